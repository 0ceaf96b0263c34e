import { copyFields } from '@switchyard/core';
import type { ResponsesRequest } from './request-mapper.js';
import type { InternalMessage } from './responses.types.js';

/** Switchyard's own request fields (and the stored state it keeps itself): never sent upstream. */
const OWN_FIELDS = ['models', 'route', 'stream_failover', 'previous_response_id'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A user, system or developer message's internal content parts -> Responses input parts. */
function inputParts(content: unknown): unknown {
  if (!Array.isArray(content)) return typeof content === 'string' ? content : '';
  return (content as unknown[]).flatMap((part): Array<Record<string, unknown>> => {
    if (!isObject(part)) return [];
    if (part.type === 'text') return [{ type: 'input_text', text: part.text }];
    if (part.type === 'image_url' && isObject(part.image_url)) {
      const { url, detail } = part.image_url;
      return [{ type: 'input_image', image_url: url, detail: typeof detail === 'string' ? detail : 'auto' }];
    }
    if (part.type === 'file' && isObject(part.file)) {
      const { file_id, file_data, filename } = part.file;
      return [
        {
          type: 'input_file',
          ...(typeof file_id === 'string' ? { file_id } : {}),
          ...(typeof file_data === 'string' ? { file_data } : {}),
          ...(typeof filename === 'string' ? { filename } : {}),
        },
      ];
    }
    return [];
  });
}

/**
 * A stored conversation (internal messages) -> Responses input items, to replay it natively. The
 * reasoning of earlier turns is not sent: a reasoning item is only valid back where it was made,
 * and the next turn works without it (as signed thinking blocks to an OpenAI-format model).
 */
export function historyItems(messages: readonly InternalMessage[]): unknown[] {
  const items: unknown[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'assistant': {
        const text = typeof message.content === 'string' ? message.content : '';
        const refusal = typeof message.refusal === 'string' ? message.refusal : '';
        if (text || refusal) {
          const content = [
            ...(text ? [{ type: 'output_text', text, annotations: [] }] : []),
            ...(refusal ? [{ type: 'refusal', refusal }] : []),
          ];
          items.push({ type: 'message', role: 'assistant', content });
        }
        const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as unknown[]) : [];
        for (const call of calls) {
          if (!isObject(call) || !isObject(call.function)) continue;
          const { name, arguments: args } = call.function;
          items.push({ type: 'function_call', call_id: call.id, name, arguments: args });
        }
        break;
      }
      case 'tool':
        items.push({
          type: 'function_call_output',
          call_id: message.tool_call_id,
          output: typeof message.content === 'string' ? message.content : JSON.stringify(message.content),
        });
        break;
      default:
        items.push({ role: message.role, content: inputParts(message.content) });
    }
  }
  return items;
}

/** Drops Switchyard's `cache_control` extension from input parts (OpenAI does not take it). */
function withoutCacheMarks(input: ResponsesRequest['input']): ResponsesRequest['input'] {
  if (typeof input === 'string') return input;
  return input.map((item) => {
    if (!isObject(item) || !Array.isArray(item.content)) return item;
    // An item with no mark stays the caller's object (its bytes can go as sent, decision 0042).
    if (!(item.content as unknown[]).some((part) => isObject(part) && part.cache_control !== undefined))
      return item;
    const content = (item.content as unknown[]).map((part) => {
      if (!isObject(part) || part.cache_control === undefined) return part;
      const copy = { ...part };
      delete copy.cache_control;
      return copy;
    });
    return { ...item, content };
  });
}

/**
 * The caller's request as a native Responses body for one target: as sent, but `model` is the
 * target's upstream model, `store` is false (the gateway stores responses), and the conversation
 * of `previous_response_id` comes first in `input` (the upstream keeps nothing).
 */
export function nativeBody(
  body: ResponsesRequest,
  history: readonly InternalMessage[],
  upstreamModel: string,
  stream: boolean,
): Record<string, unknown> {
  // copyFields: a leading spread with more fields makes a fresh hidden class per call (decision 0032).
  const copy = copyFields(body, { model: upstreamModel, store: false });
  for (const field of OWN_FIELDS) delete copy[field];
  const input = withoutCacheMarks(body.input);
  copy.input = history.length
    ? [...historyItems(history), ...(typeof input === 'string' ? [{ role: 'user', content: input }] : input)]
    : input;
  if (stream) copy.stream = true;
  else delete copy.stream;
  delete copy.stream_options;
  return copy;
}
