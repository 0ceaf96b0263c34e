import type {
  ContentBlockParam,
  DocumentBlockParam,
  ImageBlockParam,
  MessageCreateParamsBase,
  MessageParam,
  TextBlockParam,
  ToolChoice,
  ToolResultBlockParam,
  ToolUnion,
} from '@anthropic-ai/sdk/resources/messages';
import { InvalidRequestError } from '@switchyard/core';
import type { InternalChatRequest, ThinkingBlock } from '@switchyard/providers';

/** The validated Messages request (see messages.schema.ts). */
export type MessagesRequest = MessageCreateParamsBase & {
  top_k?: number;
  temperature?: number;
  top_p?: number;
};

/** The request shape /v1/messages/count_tokens takes: a request without max_tokens. */
export type CountTokensRequest = Omit<MessagesRequest, 'max_tokens'>;

type Part = Record<string, unknown>;
type InternalMessage = Record<string, unknown>;

function refuse(param: string, message: string): InvalidRequestError {
  return new InvalidRequestError(message, { param, code: 'unsupported_translation' });
}

function withCache<T extends object>(target: T, block: { cache_control?: unknown }): T {
  return block.cache_control ? { ...target, cache_control: block.cache_control } : target;
}

function textPart(block: TextBlockParam): Part {
  return withCache({ type: 'text', text: block.text }, block);
}

function imagePart(block: ImageBlockParam, param: string): Part {
  const source = block.source;
  if (source.type === 'base64') {
    return withCache(
      { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } },
      block,
    );
  }
  if (source.type === 'url') return withCache({ type: 'image_url', image_url: { url: source.url } }, block);
  throw refuse(`${param}.source.type`, 'Image sources must be base64 or url.');
}

/** A document: a PDF as an inline file, plain text (or text blocks) as text parts. */
function documentParts(block: DocumentBlockParam, param: string): Part[] {
  const source = block.source;
  if (source.type === 'base64') {
    const file = {
      file_data: `data:application/pdf;base64,${source.data}`,
      filename: block.title || 'document.pdf',
    };
    return [withCache({ type: 'file', file }, block)];
  }
  if (source.type === 'text') return [withCache({ type: 'text', text: source.data }, block)];
  if (source.type === 'content') {
    const blocks =
      typeof source.content === 'string' ? [{ type: 'text' as const, text: source.content }] : source.content;
    return blocks.map((b, j) => {
      const part = textPart(b as TextBlockParam);
      return j === blocks.length - 1 ? withCache(part, block) : part;
    });
  }
  throw refuse(`${param}.source.type`, 'Document sources must be base64 (PDF), text or content.');
}

/**
 * A tool_result block as an internal `tool` message. Its content is text (images in a tool result
 * have no place in a tool message of the internal model and are refused by the schema); a
 * `cache_control` on the block rides on its last text part, where the Anthropic adapter finds it.
 */
function toolMessage(block: ToolResultBlockParam): InternalMessage {
  const raw = block.content ?? '';
  const texts: Part[] =
    typeof raw === 'string'
      ? [{ type: 'text', text: raw }]
      : (raw as TextBlockParam[]).map((b) => ({ type: 'text', text: b.text }));
  let content: string | Part[] =
    texts.length === 1 && !block.cache_control ? (texts[0]!.text as string) : texts;
  if (block.cache_control) {
    if (texts.length === 0) texts.push({ type: 'text', text: '' });
    texts[texts.length - 1] = { ...texts[texts.length - 1]!, cache_control: block.cache_control };
    content = texts;
  }
  return {
    role: 'tool',
    tool_call_id: block.tool_use_id,
    content,
    ...(block.is_error ? { is_error: true } : {}),
  };
}

/**
 * Where an internal message came from: the request path of the message (or block) and of each of
 * its content parts, so an error about the internal request names the caller's field.
 */
export interface Origin {
  path: string;
  parts: string[];
}

/** A user turn: its tool results first (as tool messages), then the rest as one user message. */
function userMessages(content: MessageParam['content'], param: string, origins: Origin[]): InternalMessage[] {
  const path = param.replace(/\.content$/, '');
  if (typeof content === 'string') {
    origins.push({ path, parts: [] });
    return [{ role: 'user', content }];
  }
  const tools: InternalMessage[] = [];
  const parts: Part[] = [];
  const partOrigins: string[] = [];
  content.forEach((block: ContentBlockParam, j) => {
    const at = `${param}[${j}]`;
    const before = parts.length;
    if (block.type === 'text') parts.push(textPart(block));
    else if (block.type === 'image') parts.push(imagePart(block, at));
    else if (block.type === 'document') for (const part of documentParts(block, at)) parts.push(part);
    else if (block.type === 'tool_result') {
      tools.push(toolMessage(block));
      const texts = Array.isArray(block.content) ? block.content.map((_, k) => `${at}.content[${k}]`) : [];
      origins.push({ path: at, parts: texts });
    } else throw refuse(`${at}.type`, `A user message cannot carry a ${block.type} block.`);
    for (let k = before; k < parts.length; k++) partOrigins.push(at);
  });
  if (parts.length > 0) origins.push({ path, parts: partOrigins });
  return parts.length > 0 ? [...tools, { role: 'user', content: parts }] : tools;
}

/** An assistant turn: text, tool calls and (signed) thinking blocks. */
function assistantMessage(content: MessageParam['content'], param: string): InternalMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const texts: Part[] = [];
  const toolCalls: Part[] = [];
  const thinking: ThinkingBlock[] = [];
  let reasoning = '';
  content.forEach((block: ContentBlockParam, j) => {
    if (block.type === 'text') texts.push(textPart(block));
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (block.type === 'thinking') {
      reasoning += block.thinking;
      thinking.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    } else if (block.type === 'redacted_thinking') {
      thinking.push({ type: 'redacted_thinking', data: block.data });
    } else {
      throw refuse(`${param}[${j}].type`, `An assistant message cannot carry a ${block.type} block.`);
    }
  });
  const text = texts.map((p) => p.text as string).join('');
  const cached = texts.some((p) => p.cache_control);
  return {
    role: 'assistant',
    content: cached ? texts : toolCalls.length > 0 && text === '' ? null : text,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(thinking.length > 0 ? { thinking_blocks: thinking } : {}),
    ...(reasoning ? { reasoning_content: reasoning } : {}),
  };
}

function systemMessage(system: MessagesRequest['system']): InternalMessage | null {
  if (system === undefined || system === null) return null;
  if (typeof system === 'string') return system === '' ? null : { role: 'system', content: system };
  if (system.length === 0) return null;
  return { role: 'system', content: system.map(textPart) };
}

function toolsOf(tools: ToolUnion[] | undefined): Part[] | undefined {
  if (!tools?.length) return undefined;
  return tools.map((raw) => {
    const tool = raw as { name: string; description?: string; input_schema: object; cache_control?: unknown };
    return withCache(
      {
        type: 'function',
        function: {
          name: tool.name,
          ...(tool.description ? { description: tool.description } : {}),
          parameters: tool.input_schema,
        },
      },
      tool,
    );
  });
}

/** Anthropic's tool_choice as Chat Completions' tool_choice and parallel_tool_calls. */
function toolChoiceOf(choice: ToolChoice | undefined): Part {
  if (!choice) return {};
  const parallel =
    choice.type !== 'none' && choice.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  switch (choice.type) {
    case 'auto':
      return { tool_choice: 'auto', ...parallel };
    case 'any':
      return { tool_choice: 'required', ...parallel };
    case 'tool':
      return { tool_choice: { type: 'function', function: { name: choice.name } }, ...parallel };
    case 'none':
      return { tool_choice: 'none' };
  }
}

/** The prompt of a request (system, messages, tools) as internal messages and tools. */
export function internalPrompt(body: CountTokensRequest): {
  messages: InternalMessage[];
  tools?: Part[];
  toolChoice: Part;
  origins: Origin[];
} {
  const messages: InternalMessage[] = [];
  const origins: Origin[] = [];
  const system = systemMessage(body.system);
  if (system) {
    messages.push(system);
    origins.push({
      path: 'system',
      parts: Array.isArray(body.system) ? body.system.map((_, j) => `system[${j}]`) : [],
    });
  }
  body.messages.forEach((message, i) => {
    const param = `messages[${i}].content`;
    if (message.role === 'user')
      for (const m of userMessages(message.content, param, origins)) messages.push(m);
    else {
      messages.push(assistantMessage(message.content, param));
      origins.push({ path: `messages[${i}]`, parts: [] });
    }
  });
  return { messages, tools: toolsOf(body.tools), toolChoice: toolChoiceOf(body.tool_choice), origins };
}

/**
 * An internal field path (`messages[3].content[1].image_url`) in the caller's terms
 * (`messages[1].content[2].image_url`), from the origins the mapping recorded.
 */
export function callerPath(text: string, origins: readonly Origin[]): string {
  return text.replace(/messages\[(\d+)\](?:\.content\[(\d+)\])?/g, (whole, m: string, p?: string) => {
    const origin = origins[Number(m)];
    if (!origin) return whole;
    if (p === undefined) return origin.path;
    return origin.parts[Number(p)] ?? `${origin.path}.content[${p}]`;
  });
}

/**
 * A Messages request as the internal request (a Chat Completions body with the internal model's
 * extensions). Streams always ask for usage: the sink reports it in `message_delta`.
 */
export function toInternalRequest(body: MessagesRequest): {
  request: InternalChatRequest;
  origins: Origin[];
} {
  if (body.thinking?.type === 'enabled' && body.thinking.budget_tokens >= body.max_tokens) {
    throw new InvalidRequestError('`max_tokens` must be greater than `thinking.budget_tokens`.', {
      param: 'thinking.budget_tokens',
    });
  }
  const forced = body.tool_choice?.type === 'tool' ? body.tool_choice.name : undefined;
  if (forced !== undefined && !body.tools?.some((t) => (t as { name?: string }).name === forced)) {
    throw new InvalidRequestError(`tool_choice names a tool that is not in tools: ${forced}.`, {
      param: 'tool_choice.name',
    });
  }
  const { messages, tools, toolChoice, origins } = internalPrompt(body);
  const internal: Record<string, unknown> = {
    model: body.model,
    messages,
    max_tokens: body.max_tokens,
    ...(tools ? { tools, ...toolChoice } : {}),
  };
  if (body.stop_sequences?.length) internal.stop = body.stop_sequences;
  if (typeof body.temperature === 'number') internal.temperature = body.temperature;
  if (typeof body.top_p === 'number') internal.top_p = body.top_p;
  if (typeof body.top_k === 'number') internal.top_k = body.top_k;
  if (body.thinking) internal.thinking = body.thinking;
  if (body.metadata?.user_id) internal.user = body.metadata.user_id;
  if (body.stream) {
    internal.stream = true;
    internal.stream_options = { include_usage: true };
  }
  return { request: internal as unknown as InternalChatRequest, origins };
}
