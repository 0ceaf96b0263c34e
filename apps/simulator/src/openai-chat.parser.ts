import { trailingResults, type Conversation, type ToolChoice, type ToolSpec } from './conversation.types.js';
import {
  asArray,
  asNumber,
  asRecord,
  asString,
  asStringList,
  isRecord,
  type JsonObject,
} from './json.util.js';

/** Text of OpenAI message content: a string, or parts whose non-text kinds become placeholders. */
export function openaiContentText(content: unknown): string {
  if (typeof content === 'string') return content;
  const pieces: string[] = [];
  for (const part of asArray(content)) {
    const p = asRecord(part);
    switch (p.type) {
      case 'text':
      case 'input_text':
        pieces.push(asString(p.text) ?? '');
        break;
      case 'image_url':
      case 'input_image':
        pieces.push('[image]');
        break;
      case 'input_audio':
        pieces.push('[audio]');
        break;
      case 'file':
        pieces.push('[file]');
        break;
      default:
        if (typeof p.text === 'string') pieces.push(p.text);
    }
  }
  return pieces.join(' ');
}

function messageText(message: JsonObject): string {
  const pieces: string[] = [];
  const content = openaiContentText(message.content);
  if (content !== '') pieces.push(content);
  for (const call of asArray(message.tool_calls)) {
    const fn = asRecord(asRecord(call).function);
    pieces.push(`${asString(fn.name) ?? ''} ${asString(fn.arguments) ?? ''}`);
  }
  if (isRecord(message.function_call)) {
    pieces.push(
      `${asString(message.function_call.name) ?? ''} ${asString(message.function_call.arguments) ?? ''}`,
    );
  }
  return pieces.join(' ');
}

function parseTools(body: JsonObject): ToolSpec[] {
  const tools: ToolSpec[] = [];
  for (const tool of asArray(body.tools)) {
    const fn = asRecord(asRecord(tool).function);
    const name = asString(fn.name);
    if (name) tools.push({ name, parameters: fn.parameters });
  }
  // The deprecated `functions` field still shows up in older clients.
  for (const fn of asArray(body.functions)) {
    const name = asString(asRecord(fn).name);
    if (name) tools.push({ name, parameters: asRecord(fn).parameters });
  }
  return tools;
}

function parseToolChoice(body: JsonObject): ToolChoice {
  const choice = body.tool_choice ?? body.function_call;
  if (choice === 'none') return { mode: 'none' };
  if (choice === 'required') return { mode: 'required' };
  if (isRecord(choice)) {
    const name = asString(asRecord(choice.function).name) ?? asString(choice.name);
    if (name) return { mode: 'named', name };
  }
  return { mode: 'auto' };
}

/** Reads an OpenAI chat completion request into the provider-neutral conversation. */
export function parseOpenaiChat(body: JsonObject): Conversation {
  const messages = asArray(body.messages).map(asRecord);
  let lastUserText = '';
  for (const message of messages) {
    if (message.role === 'user') lastUserText = openaiContentText(message.content);
  }
  // Parallel tool calls end in a run of tool messages; their contents together are the result.
  const trailing = trailingResults(
    messages,
    (message) => message.role === 'tool' || message.role === 'function',
    (message) => openaiContentText(message.content),
  );
  const format = asRecord(body.response_format).type;
  return {
    messageTexts: messages.map(messageText),
    lastUserText,
    toolResult: trailing.length > 0 ? trailing.join(' ') : null,
    tools: parseTools(body),
    toolChoice: parseToolChoice(body),
    maxTokens: asNumber(body.max_completion_tokens) ?? asNumber(body.max_tokens),
    stop: asStringList(body.stop),
    json: format === 'json_object' || format === 'json_schema',
    assistantPrefix:
      messages.at(-1)?.role === 'assistant' ? openaiContentText(messages.at(-1)!.content) : null,
  };
}
