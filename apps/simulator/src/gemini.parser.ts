import type { Conversation, ToolChoice, ToolSpec } from './conversation.types.js';
import {
  asArray,
  asNumber,
  asRecord,
  asString,
  asStringList,
  isRecord,
  type JsonObject,
} from './json.util.js';

function partText(part: JsonObject): string {
  if (typeof part.text === 'string') return part.text;
  const media = asRecord(part.inlineData ?? part.fileData);
  if (isRecord(part.inlineData) || isRecord(part.fileData)) {
    const mime = asString(media.mimeType) ?? '';
    return mime.startsWith('audio/')
      ? '[audio]'
      : mime.startsWith('image/') || mime === ''
        ? '[image]'
        : '[file]';
  }
  if (isRecord(part.functionCall)) {
    return `${asString(part.functionCall.name) ?? ''} ${JSON.stringify(part.functionCall.args ?? {})}`;
  }
  if (isRecord(part.functionResponse)) return JSON.stringify(part.functionResponse.response ?? {});
  return '';
}

/** Text of a Gemini Content (or a bare string, which systemInstruction may be). */
export function geminiContentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(asRecord(content).parts)
    .map((p) => partText(asRecord(p)))
    .filter((t) => t !== '')
    .join(' ');
}

function isToolResultContent(content: JsonObject): boolean {
  const parts = asArray(content.parts).map(asRecord);
  return parts.length > 0 && parts.every((p) => isRecord(p.functionResponse));
}

function parseTools(body: JsonObject): ToolSpec[] {
  const tools: ToolSpec[] = [];
  for (const tool of asArray(body.tools)) {
    for (const decl of asArray(asRecord(tool).functionDeclarations)) {
      const name = asString(asRecord(decl).name);
      if (name) tools.push({ name, parameters: asRecord(decl).parameters });
    }
  }
  return tools;
}

function parseToolChoice(body: JsonObject): ToolChoice {
  const config = asRecord(asRecord(body.toolConfig).functionCallingConfig);
  const mode = asString(config.mode)?.toUpperCase();
  if (mode === 'NONE') return { mode: 'none' };
  if (mode === 'ANY') {
    const allowed = asStringList(config.allowedFunctionNames);
    const [only] = allowed;
    return allowed.length === 1 && only !== undefined ? { mode: 'named', name: only } : { mode: 'required' };
  }
  return { mode: 'auto' };
}

/** Reads a Gemini generateContent request into the provider-neutral conversation. */
export function parseGeminiRequest(body: JsonObject): Conversation {
  const contents = asArray(body.contents).map(asRecord);
  const messageTexts = contents.map(geminiContentText);
  if (body.systemInstruction !== undefined) messageTexts.unshift(geminiContentText(body.systemInstruction));
  let lastUserText = '';
  for (const content of contents) {
    if ((content.role ?? 'user') === 'user' && !isToolResultContent(content))
      lastUserText = geminiContentText(content);
  }
  const last = contents.at(-1);
  const responses = asArray(last?.parts)
    .map(asRecord)
    .filter((p) => isRecord(p.functionResponse))
    .map(partText);
  const config = asRecord(body.generationConfig);
  return {
    messageTexts,
    lastUserText,
    toolResult: responses.length > 0 ? responses.join(' ') : null,
    tools: parseTools(body),
    toolChoice: parseToolChoice(body),
    maxTokens: asNumber(config.maxOutputTokens),
    stop: asStringList(config.stopSequences),
    json: asString(config.responseMimeType) === 'application/json',
    assistantPrefix: last?.role === 'model' ? geminiContentText(last) : null,
  };
}
