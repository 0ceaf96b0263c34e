import type { Conversation, ToolChoice, ToolSpec } from './conversation.types.js';
import { asArray, asNumber, asRecord, asString, asStringList, type JsonObject } from './json.util.js';
import type { CacheBreakpoint, CacheTtl } from './prompt-cache.store.js';

/** Text of Anthropic content: a string, or blocks (tool results included unless `skipToolResults`). */
export function anthropicContentText(content: unknown, skipToolResults = false): string {
  if (typeof content === 'string') return content;
  const pieces: string[] = [];
  for (const raw of asArray(content)) {
    const block = asRecord(raw);
    switch (block.type) {
      case 'text':
        pieces.push(asString(block.text) ?? '');
        break;
      case 'image':
        pieces.push('[image]');
        break;
      case 'document':
        pieces.push('[file]');
        break;
      case 'tool_use':
        pieces.push(`${asString(block.name) ?? ''} ${JSON.stringify(block.input ?? {})}`);
        break;
      case 'tool_result':
        if (!skipToolResults) pieces.push(anthropicContentText(block.content ?? ''));
        break;
      default:
        break;
    }
  }
  return pieces.filter((p) => p !== '').join(' ');
}

function toolResults(message: JsonObject | undefined): string[] {
  if (!message || message.role !== 'user') return [];
  return asArray(message.content)
    .map(asRecord)
    .filter((b) => b.type === 'tool_result')
    .map((b) => anthropicContentText(b.content ?? ''));
}

function parseTools(body: JsonObject): ToolSpec[] {
  const tools: ToolSpec[] = [];
  for (const raw of asArray(body.tools)) {
    const name = asString(asRecord(raw).name);
    if (name) tools.push({ name, parameters: asRecord(raw).input_schema });
  }
  return tools;
}

function parseToolChoice(body: JsonObject): ToolChoice {
  const choice = asRecord(body.tool_choice);
  switch (choice.type) {
    case 'none':
      return { mode: 'none' };
    case 'any':
      return { mode: 'required' };
    case 'tool':
      return typeof choice.name === 'string' ? { mode: 'named', name: choice.name } : { mode: 'required' };
    default:
      return { mode: 'auto' };
  }
}

/** Reads an Anthropic Messages request into the provider-neutral conversation. */
export function parseAnthropicRequest(body: JsonObject): Conversation {
  const messages = asArray(body.messages).map(asRecord);
  const messageTexts = messages.map((m) => anthropicContentText(m.content));
  if (body.system !== undefined) messageTexts.unshift(anthropicContentText(body.system));
  let lastUserText = '';
  for (const message of messages) {
    if (message.role !== 'user') continue;
    const blocks = asArray(message.content).map(asRecord);
    const onlyResults = blocks.length > 0 && blocks.every((b) => b.type === 'tool_result');
    if (!onlyResults) lastUserText = anthropicContentText(message.content, true);
  }
  const results = toolResults(messages.at(-1));
  return {
    messageTexts,
    lastUserText,
    toolResult: results.length > 0 ? results.join(' ') : null,
    tools: parseTools(body),
    toolChoice: parseToolChoice(body),
    maxTokens: asNumber(body.max_tokens),
    stop: asStringList(body.stop_sequences),
    json: false,
    assistantPrefix:
      messages.at(-1)?.role === 'assistant' ? anthropicContentText(messages.at(-1)!.content) : null,
  };
}

/** The ttl of the last `cache_control` among a piece's blocks, or null when it marks none. */
function lastCacheTtl(content: unknown): CacheTtl | null {
  let ttl: CacheTtl | null = null;
  for (const raw of asArray(content)) {
    const control = asRecord(asRecord(raw).cache_control);
    if (control.type === 'ephemeral') ttl = control.ttl === '1h' ? '1h' : '5m';
  }
  return ttl;
}

/**
 * The prompt pieces (the system prompt first when there is one, then each message, as in
 * `messageTexts`) that carry a `cache_control` block, in order.
 */
export function anthropicCacheBreakpoints(body: JsonObject): CacheBreakpoint[] {
  const pieces =
    body.system !== undefined
      ? [body.system, ...asArray(body.messages).map((m) => asRecord(m).content)]
      : asArray(body.messages).map((m) => asRecord(m).content);
  const points: CacheBreakpoint[] = [];
  pieces.forEach((content, index) => {
    const ttl = lastCacheTtl(content);
    if (ttl) points.push({ index, ttl });
  });
  return points;
}
