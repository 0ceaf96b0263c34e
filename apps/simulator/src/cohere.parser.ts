import { trailingResults, type Conversation, type ToolChoice, type ToolSpec } from './conversation.types.js';
import { openaiContentText } from './openai-chat.parser.js';
import { asArray, asNumber, asRecord, asString, asStringList, type JsonObject } from './json.util.js';

/** Text of one Cohere v2 message: its content (parts like OpenAI's), tool calls, tool plan. */
function messageText(message: JsonObject): string {
  const pieces: string[] = [];
  const content = openaiContentText(message.content);
  if (content !== '') pieces.push(content);
  for (const call of asArray(message.tool_calls)) {
    const fn = asRecord(asRecord(call).function);
    pieces.push(`${asString(fn.name) ?? ''} ${asString(fn.arguments) ?? ''}`);
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
  return tools;
}

function parseToolChoice(body: JsonObject): ToolChoice {
  if (body.tool_choice === 'NONE') return { mode: 'none' };
  if (body.tool_choice === 'REQUIRED') return { mode: 'required' };
  return { mode: 'auto' };
}

/** Reads a Cohere v2 `/v2/chat` request into the provider-neutral conversation. */
export function parseCohereChat(body: JsonObject): Conversation {
  const messages = asArray(body.messages).map(asRecord);
  let lastUserText = '';
  for (const message of messages) {
    if (message.role === 'user') lastUserText = openaiContentText(message.content);
  }
  const trailing = trailingResults(
    messages,
    (message) => message.role === 'tool',
    (message) => openaiContentText(message.content),
  );
  return {
    messageTexts: messages.map(messageText),
    lastUserText,
    toolResult: trailing.length > 0 ? trailing.join(' ') : null,
    tools: parseTools(body),
    toolChoice: parseToolChoice(body),
    maxTokens: asNumber(body.max_tokens),
    stop: asStringList(body.stop_sequences),
    json: asRecord(body.response_format).type === 'json_object',
    assistantPrefix: null,
  };
}
