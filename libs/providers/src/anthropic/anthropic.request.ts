import type {
  Base64ImageSource,
  CacheControlEphemeral,
  ContentBlockParam,
  MessageCreateParamsBase,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoice,
} from '@anthropic-ai/sdk/resources/messages';
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
} from '../shared/chat-request.util.js';
import { isHttpUrl, parseDataUrl } from '../shared/data-url.js';
import { thinkingOf, type InternalChatRequest, type ThinkingBlock } from '../model/internal-model.js';

/**
 * The tool JSON mode is emulated with: Anthropic has no response_format, so the answer is asked
 * for as this tool's input (forced when the caller offered no tools) and returned as content.
 */
export const JSON_TOOL = 'switchyard_json_response';

/** The Messages request, with the sampling parameters the SDK types dropped. */
export type AnthropicRequest = MessageCreateParamsBase & {
  temperature?: number;
  top_p?: number;
  top_k?: number;
};

const IMAGE_TYPES = new Set<string>(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/**
 * Blocks mapped one for one from content parts, with each part's `cache_control` carried over.
 */
function withCacheControl<B extends ContentBlockParam>(
  blocks: B[],
  content: string | readonly unknown[] | null | undefined,
  provider: string,
  param: string,
): B[] {
  if (!Array.isArray(content)) return blocks;
  return blocks.map((block, j) => ({ ...block, ...cacheControlOf(content[j], provider, `${param}[${j}]`) }));
}

/**
 * A content part's `cache_control` (`{type:'ephemeral', ttl?:'5m'|'1h'}`, carried on OpenAI
 * content parts as OpenRouter and LiteLLM do), kept for the Anthropic block it becomes.
 */
function cacheControlOf(
  part: unknown,
  provider: string,
  param: string,
): { cache_control?: CacheControlEphemeral } {
  const control = (part as { cache_control?: unknown }).cache_control;
  if (control === undefined || control === null) return {};
  const { type, ttl } = control as { type?: unknown; ttl?: unknown };
  const ttlOk = ttl === undefined || ttl === '5m' || ttl === '1h';
  if (typeof control !== 'object' || type !== 'ephemeral' || !ttlOk) {
    throw badRequest(
      provider,
      'cache_control must be {"type":"ephemeral"} with an optional ttl of \'5m\' or \'1h\'.',
      `${param}.cache_control`,
    );
  }
  return { cache_control: ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl } };
}

/**
 * A system (or developer) message as text blocks: one block of its text, or, when a part marks
 * a cache breakpoint, one block per text part so the breakpoint stays where it was put.
 */
function systemBlocks(
  content: string | ReadonlyArray<{ type: string; text?: string }> | null | undefined,
  provider: string,
  param: string,
): TextBlockParam[] {
  const parts: ReadonlyArray<{ type: string; text?: string; cache_control?: unknown }> =
    typeof content === 'string' || !content ? [] : content;
  if (!parts.some((p) => p.cache_control)) return [{ type: 'text', text: plainText(content) }];
  const blocks: TextBlockParam[] = [];
  parts.forEach((part, j) => {
    if (part.type !== 'text' || typeof part.text !== 'string') return;
    blocks.push({ type: 'text', text: part.text, ...cacheControlOf(part, provider, `${param}[${j}]`) });
  });
  return blocks;
}

function userBlocks(
  content: string | ChatCompletionContentPart[] | null | undefined,
  provider: string,
  param: string,
): ContentBlockParam[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.map((part, j): ContentBlockParam => {
    switch (part.type) {
      case 'text':
        return { type: 'text', text: part.text };
      case 'image_url': {
        const url = part.image_url.url;
        const data = parseDataUrl(url);
        if (data) {
          if (!IMAGE_TYPES.has(data.mimeType)) {
            throw badRequest(
              provider,
              `unsupported image type ${data.mimeType}: use jpeg, png, gif or webp.`,
              `${param}[${j}].image_url`,
            );
          }
          const source: Base64ImageSource = {
            type: 'base64',
            media_type: data.mimeType as Base64ImageSource['media_type'],
            data: data.base64,
          };
          return { type: 'image', source };
        }
        if (isHttpUrl(url)) return { type: 'image', source: { type: 'url', url } };
        throw badRequest(
          provider,
          'image_url must be an https URL or a base64 data URL.',
          `${param}[${j}].image_url`,
        );
      }
      case 'file': {
        const data = part.file.file_data ? parseDataUrl(part.file.file_data) : null;
        if (data?.mimeType === 'application/pdf') {
          return {
            type: 'document',
            source: { type: 'base64', media_type: 'application/pdf', data: data.base64 },
          };
        }
        throw badRequest(
          provider,
          'Anthropic accepts PDF files inline, as a base64 data URL in file_data.',
          `${param}[${j}]`,
        );
      }
      case 'input_audio':
        throw badRequest(provider, 'Anthropic models do not accept audio input.', `${param}[${j}]`);
    }
  });
}

function assistantBlocks(
  message: ChatCompletionAssistantMessageParam,
  provider: string,
  index: number,
): ContentBlockParam[] {
  // Signed thinking blocks go back first and unchanged (the internal model's `thinking_blocks`).
  const thinking = (message as { thinking_blocks?: ThinkingBlock[] }).thinking_blocks ?? [];
  const blocks: ContentBlockParam[] = thinking.map((block, j): ContentBlockParam => {
    if (block.type === 'redacted_thinking') return { type: 'redacted_thinking', data: block.data };
    if (typeof block.signature !== 'string' || block.signature === '') {
      throw badRequest(
        provider,
        'a thinking block sent back to Anthropic needs the signature it came with.',
        `messages[${index}].thinking_blocks[${j}].signature`,
      );
    }
    return { type: 'thinking', thinking: block.thinking, signature: block.signature };
  });
  const text =
    typeof message.content === 'string'
      ? message.content
      : (message.content ?? []).map((p) => (p.type === 'text' ? p.text : p.refusal)).join('');
  // Anthropic refuses empty text blocks, which OpenAI clients send alongside tool calls.
  if (text !== '') blocks.push({ type: 'text', text });
  for (const call of message.tool_calls ?? []) {
    if (call.type !== 'function') {
      throw badRequest(provider, 'Anthropic supports function tools only.', `messages[${index}].tool_calls`);
    }
    const input = parseToolArguments(call.function.arguments, provider, `messages[${index}].tool_calls`);
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
  }
  return blocks;
}

function messagesOf(
  body: ChatCompletionCreateParams,
  provider: string,
): { messages: MessageParam[]; system: TextBlockParam[] } {
  const messages: MessageParam[] = [];
  const system: TextBlockParam[] = [];
  // Consecutive turns of one role are merged: tool results must share one user turn, and
  // Anthropic wants them before any text in it.
  const push = (role: 'user' | 'assistant', blocks: ContentBlockParam[]): void => {
    if (blocks.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === role && Array.isArray(last.content)) {
      for (const block of blocks) last.content.push(block);
    } else messages.push({ role, content: blocks });
  };
  body.messages.forEach((message, i) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        for (const block of systemBlocks(message.content, provider, `messages[${i}].content`))
          system.push(block);
        break;
      case 'user':
        push(
          'user',
          withCacheControl(
            userBlocks(message.content, provider, `messages[${i}].content`),
            message.content,
            provider,
            `messages[${i}].content`,
          ),
        );
        break;
      case 'assistant':
        push('assistant', assistantBlocks(message, provider, i));
        break;
      case 'tool': {
        // `is_error` is the internal model's flag for a failed tool (Anthropic's own).
        const failed = (message as { is_error?: unknown }).is_error === true;
        // A cache breakpoint on a part of the result marks the tool_result block.
        const parts: readonly unknown[] = Array.isArray(message.content) ? message.content : [];
        const marked = parts.findLastIndex((p) => (p as { cache_control?: unknown }).cache_control);
        push('user', [
          {
            type: 'tool_result',
            tool_use_id: message.tool_call_id,
            content: plainText(message.content),
            ...(failed ? { is_error: true } : {}),
            ...(marked >= 0
              ? cacheControlOf(parts[marked], provider, `messages[${i}].content[${marked}]`)
              : {}),
          },
        ]);
        break;
      }
      case 'function':
        throw badRequest(
          provider,
          "the deprecated 'function' role is not supported: use tools.",
          `messages[${i}].role`,
        );
    }
  });
  return { messages, system };
}

function toolsOf(body: ChatCompletionCreateParams, provider: string): Tool[] {
  return (body.tools ?? []).map((tool, i) => {
    if (tool.type !== 'function')
      throw badRequest(provider, 'Anthropic supports function tools only.', 'tools');
    const schema = tool.function.parameters ?? { type: 'object', properties: {} };
    return {
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      input_schema: { type: 'object', ...schema },
      ...cacheControlOf(tool, provider, `tools[${i}]`),
    };
  });
}

function toolChoiceOf(
  choice: ChatCompletionToolChoiceOption | undefined,
  parallel: boolean | undefined,
): ToolChoice | undefined {
  const noParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallel === false ? { type: 'auto', ...noParallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...noParallel };
  if (choice === 'required') return { type: 'any', ...noParallel };
  switch (choice.type) {
    case 'function':
      return { type: 'tool', name: choice.function.name, ...noParallel };
    case 'allowed_tools':
      return { type: choice.allowed_tools.mode === 'required' ? 'any' : 'auto', ...noParallel };
    case 'custom':
      return undefined;
  }
}

/**
 * An OpenAI chat request as an Anthropic Messages request: system and developer messages become
 * `system`, images image blocks (base64 from data URLs, `url` sources for https), tool calls and
 * results tool_use / tool_result blocks, `response_format` a forced {@link JSON_TOOL}.
 * `max_tokens` is mandatory upstream, so `defaultMaxTokens` fills it when the caller set none.
 */
export function toAnthropicRequest(
  body: ChatCompletionCreateParams,
  provider: string,
  defaultMaxTokens: number,
): AnthropicRequest {
  if (typeof body.n === 'number' && body.n > 1)
    throw badRequest(provider, 'Anthropic does not support n > 1.', 'n');
  if (body.functions?.length)
    throw badRequest(provider, "the deprecated 'functions' field is not supported: use tools.", 'functions');
  const { messages, system } = messagesOf(body, provider);
  const request: AnthropicRequest = {
    model: body.model,
    max_tokens: maxTokensOf(body) ?? defaultMaxTokens,
    messages,
  };
  const blocks = system.filter((b) => b.text !== '');
  if (blocks.some((b) => b.cache_control)) request.system = blocks;
  else {
    const instruction = blocks.map((b) => b.text).join('\n\n');
    if (instruction) request.system = instruction;
  }
  const stop = stopList(body.stop);
  if (stop) request.stop_sequences = stop;
  // Sampling knobs the current SDK types no longer list but the API still takes; newer models
  // refuse temperature and top_p together, so top_p only goes alone.
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  else if (typeof body.top_p === 'number') request.top_p = body.top_p;
  if (body.user) request.metadata = { user_id: body.user };
  const internal = body as InternalChatRequest;
  if (typeof internal.top_k === 'number') request.top_k = internal.top_k;
  // `thinking` as sent, or a Chat/Responses caller's `reasoning_effort` as a thinking budget.
  const thinking = thinkingOf(internal, request.max_tokens);
  if (thinking && 'error' in thinking) throw badRequest(provider, thinking.error, thinking.param);
  if (thinking && (thinking.type === 'enabled' || internal.thinking)) request.thinking = thinking;

  const tools = toolsOf(body, provider);
  let toolChoice = toolChoiceOf(body.tool_choice, body.parallel_tool_calls);
  const json = jsonRequestOf(body);
  if (json.kind !== 'none') {
    const schema = json.kind === 'schema' ? json.schema : { type: 'object' };
    tools.push({
      name: JSON_TOOL,
      description: 'Respond with the answer as this tool call: the input is the JSON response.',
      input_schema: { type: 'object', ...schema },
    });
    if (tools.length === 1) toolChoice = { type: 'tool', name: JSON_TOOL };
  }
  if (tools.length > 0) request.tools = tools;
  if (toolChoice && tools.length > 0) request.tool_choice = toolChoice;
  return request;
}
