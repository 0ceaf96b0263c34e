import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import {
  badRequest,
  jsonRequestOf,
  maxTokensOf,
  parseToolArguments,
  plainText,
  stopList,
  toolNamesById,
} from '../shared/chat-request.util.js';
import { thinkingOf, type InternalChatRequest } from '../model/internal-model.js';
import { isHttpUrl, parseDataUrl } from '../shared/data-url.js';
import { isEmptyObjectSchema, toGeminiSchema } from './gemini.schema.js';
import type {
  GeminiContent,
  GeminiGenerateRequest,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiTool,
  GeminiToolConfig,
} from './gemini.types.js';

const AUDIO_MIME: Record<string, string> = { wav: 'audio/wav', mp3: 'audio/mp3' };

function userParts(
  content: string | ChatCompletionContentPart[] | null | undefined,
  provider: string,
  param: string,
): GeminiPart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return [{ text: content }];
  return content.map((part, j): GeminiPart => {
    switch (part.type) {
      case 'text':
        return { text: part.text };
      case 'image_url': {
        const data = parseDataUrl(part.image_url.url);
        if (data) return { inlineData: { mimeType: data.mimeType, data: data.base64 } };
        const why = isHttpUrl(part.image_url.url)
          ? 'Gemini needs inline images: send the image as a base64 data URL (data:image/png;base64,...), not a link.'
          : 'image_url must be a base64 data URL.';
        throw badRequest(provider, why, `${param}[${j}].image_url`);
      }
      case 'input_audio':
        return {
          inlineData: {
            mimeType: AUDIO_MIME[part.input_audio.format] ?? `audio/${part.input_audio.format}`,
            data: part.input_audio.data,
          },
        };
      case 'file': {
        const data = part.file.file_data ? parseDataUrl(part.file.file_data) : null;
        if (data) return { inlineData: { mimeType: data.mimeType, data: data.base64 } };
        throw badRequest(
          provider,
          'Gemini needs files inline, as a base64 data URL in file_data.',
          `${param}[${j}]`,
        );
      }
    }
  });
}

function assistantParts(
  message: ChatCompletionAssistantMessageParam,
  provider: string,
  index: number,
): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const text =
    typeof message.content === 'string'
      ? message.content
      : (message.content ?? []).map((p) => (p.type === 'text' ? p.text : p.refusal)).join('');
  if (text) parts.push({ text });
  for (const call of message.tool_calls ?? []) {
    if (call.type !== 'function') {
      throw badRequest(provider, 'Gemini supports function tools only.', `messages[${index}].tool_calls`);
    }
    const args = parseToolArguments(call.function.arguments, provider, `messages[${index}].tool_calls`);
    parts.push({ functionCall: { name: call.function.name, args } });
  }
  if (message.function_call) {
    const args = parseToolArguments(
      message.function_call.arguments,
      provider,
      `messages[${index}].function_call`,
    );
    parts.push({ functionCall: { name: message.function_call.name, args } });
  }
  return parts;
}

/** A tool result as Gemini wants it: an object (JSON results kept as they are, text wrapped). */
function functionResponse(text: string): Record<string, unknown> {
  // Only an object is kept as it is: other text skips the parse (a thrown parse costs ~10 µs).
  if (!/^\s*\{/.test(text)) return { content: text };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // plain text result
  }
  return { content: text };
}

function contentsOf(
  body: ChatCompletionCreateParams,
  provider: string,
): {
  contents: GeminiContent[];
  system: string[];
} {
  const names = toolNamesById(body.messages);
  const contents: GeminiContent[] = [];
  const system: string[] = [];
  // Whether the last turn is a run of tool results (only merged pushes make one), kept as turns are
  // added: asking its parts each time made a run of n results cost n² (150,000: half a minute).
  let lastIsResults = false;
  const push = (role: 'user' | 'model', parts: GeminiPart[], mergeResults = false): void => {
    const last = contents.at(-1);
    // Parallel tool results become one turn, as Gemini expects all responses together.
    if (mergeResults && last?.role === 'user' && lastIsResults) {
      for (const part of parts) last.parts.push(part);
    } else if (parts.length > 0) {
      contents.push({ role, parts });
      lastIsResults = mergeResults;
    }
  };
  body.messages.forEach((message, i) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(plainText(message.content));
        break;
      case 'user':
        push('user', userParts(message.content, provider, `messages[${i}].content`));
        break;
      case 'assistant':
        push('model', assistantParts(message, provider, i));
        break;
      case 'tool': {
        const name = names.get(message.tool_call_id);
        if (!name) {
          throw badRequest(
            provider,
            `tool message refers to unknown tool_call_id '${message.tool_call_id}'.`,
            `messages[${i}].tool_call_id`,
          );
        }
        push(
          'user',
          [{ functionResponse: { name, response: functionResponse(plainText(message.content)) } }],
          true,
        );
        break;
      }
      case 'function':
        push(
          'user',
          [{ functionResponse: { name: message.name, response: functionResponse(message.content ?? '') } }],
          true,
        );
        break;
    }
  });
  return { contents, system };
}

function toolsOf(body: ChatCompletionCreateParams, provider: string): GeminiTool[] | undefined {
  const declarations = (body.tools ?? []).map((tool) => {
    if (tool.type !== 'function') throw badRequest(provider, 'Gemini supports function tools only.', 'tools');
    const parameters = toGeminiSchema(tool.function.parameters);
    return {
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      ...(isEmptyObjectSchema(parameters) ? {} : { parameters }),
    };
  });
  for (const fn of body.functions ?? []) {
    const parameters = toGeminiSchema(fn.parameters);
    declarations.push({
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      ...(isEmptyObjectSchema(parameters) ? {} : { parameters }),
    });
  }
  return declarations.length > 0 ? [{ functionDeclarations: declarations }] : undefined;
}

function toolConfigOf(choice: ChatCompletionToolChoiceOption | undefined): GeminiToolConfig | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  switch (choice.type) {
    case 'function':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
    case 'allowed_tools': {
      const names = choice.allowed_tools.tools
        .map((t) => (t as { function?: { name?: unknown } }).function?.name)
        .filter((n): n is string => typeof n === 'string');
      const mode = choice.allowed_tools.mode === 'required' ? 'ANY' : 'AUTO';
      return { functionCallingConfig: { mode, allowedFunctionNames: names } };
    }
    case 'custom':
      return undefined;
  }
}

function generationConfigOf(
  body: ChatCompletionCreateParams,
  provider: string,
): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  const stop = stopList(body.stop);
  if (stop) config.stopSequences = stop;
  const max = maxTokensOf(body);
  if (max !== undefined) config.maxOutputTokens = max;
  if (typeof body.n === 'number' && body.n > 1) config.candidateCount = body.n;
  if (typeof body.temperature === 'number') config.temperature = body.temperature;
  if (typeof body.top_p === 'number') config.topP = body.top_p;
  if (typeof body.presence_penalty === 'number') config.presencePenalty = body.presence_penalty;
  if (typeof body.frequency_penalty === 'number') config.frequencyPenalty = body.frequency_penalty;
  if (typeof body.seed === 'number') config.seed = body.seed;
  // The internal model's extensions: Anthropic's top_k and thinking switch.
  const internal = body as InternalChatRequest;
  if (typeof internal.top_k === 'number') config.topK = internal.top_k;
  // `thinking` as sent, or a Chat/Responses caller's `reasoning_effort` as a thinking budget.
  const thinking = thinkingOf(internal, max);
  if (thinking && 'error' in thinking) throw badRequest(provider, thinking.error, thinking.param);
  if (thinking?.type === 'enabled') {
    config.thinkingConfig = { thinkingBudget: thinking.budget_tokens, includeThoughts: true };
  } else if (thinking?.type === 'disabled') config.thinkingConfig = { thinkingBudget: 0 };
  const json = jsonRequestOf(body);
  if (json.kind !== 'none') config.responseMimeType = 'application/json';
  if (json.kind === 'schema') config.responseSchema = toGeminiSchema(json.schema);
  return Object.keys(config).length > 0 ? config : undefined;
}

/**
 * An OpenAI chat request as a Gemini generateContent request: system and developer messages
 * become systemInstruction, images inline data, tools function declarations, tool calls and
 * results functionCall / functionResponse parts. Parameters Gemini has no use for are dropped.
 */
export function toGeminiRequest(body: ChatCompletionCreateParams, provider: string): GeminiGenerateRequest {
  const { contents, system } = contentsOf(body, provider);
  const request: GeminiGenerateRequest = { contents };
  const instruction = system.filter((s) => s !== '').join('\n\n');
  if (instruction) request.systemInstruction = { parts: [{ text: instruction }] };
  const tools = toolsOf(body, provider);
  if (tools) request.tools = tools;
  const toolConfig = toolConfigOf(body.tool_choice);
  if (toolConfig && tools) request.toolConfig = toolConfig;
  const generationConfig = generationConfigOf(body, provider);
  if (generationConfig) request.generationConfig = generationConfig;
  return request;
}
