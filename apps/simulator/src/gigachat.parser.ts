import { trailingResults, type Conversation, type ToolChoice, type ToolSpec } from './conversation.types.js';
import { asArray, asNumber, asRecord, asString, isRecord, type JsonObject } from './json.util.js';

function contentText(content: unknown): string {
  return typeof content === 'string' ? content : '';
}

function messageText(message: JsonObject): string {
  const pieces: string[] = [];
  const content = contentText(message.content);
  if (content !== '') pieces.push(content);
  if (isRecord(message.function_call)) {
    const call = message.function_call;
    pieces.push(`${asString(call.name) ?? ''} ${JSON.stringify(call.arguments ?? {})}`);
  }
  return pieces.join(' ');
}

function parseFunctions(body: JsonObject): ToolSpec[] {
  const tools: ToolSpec[] = [];
  for (const fn of asArray(body.functions)) {
    const name = asString(asRecord(fn).name);
    if (name) tools.push({ name, parameters: asRecord(fn).parameters });
  }
  return tools;
}

function parseFunctionCall(body: JsonObject): ToolChoice {
  const choice = body.function_call;
  if (choice === 'none') return { mode: 'none' };
  const name = isRecord(choice) ? asString(choice.name) : null;
  return name ? { mode: 'named', name } : { mode: 'auto' };
}

/**
 * Reads a GigaChat `/api/v1/chat/completions` request (OpenAI-like messages; `functions` and
 * `function_call`, role `function` for results) into the provider-neutral conversation.
 * GigaChat has no stop sequences and no JSON mode.
 */
export function parseGigaChat(body: JsonObject): Conversation {
  const messages = asArray(body.messages).map(asRecord);
  let lastUserText = '';
  for (const message of messages) {
    if (message.role === 'user') lastUserText = contentText(message.content);
  }
  const trailing = trailingResults(
    messages,
    (message) => message.role === 'function',
    (message) => contentText(message.content),
  );
  return {
    messageTexts: messages.map(messageText),
    lastUserText,
    toolResult: trailing.length > 0 ? trailing.join(' ') : null,
    tools: parseFunctions(body),
    toolChoice: parseFunctionCall(body),
    maxTokens: asNumber(body.max_tokens),
    stop: [],
    json: false,
    assistantPrefix: null,
  };
}
