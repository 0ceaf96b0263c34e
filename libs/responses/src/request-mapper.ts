import { InvalidRequestError } from '@switchyard/core';
import { newId } from './ids.js';
import { decodeReasoning } from './reasoning-carrier.js';
import type { InternalMessage, ResponseEcho } from './responses.types.js';

/** A `POST /v1/responses` body after the schema check (items are still unknown). */
export interface ResponsesRequest {
  model?: string;
  models?: string[];
  route?: string;
  stream_failover?: boolean;
  input: string | unknown[];
  instructions?: string | null;
  tools?: Array<Record<string, unknown>>;
  tool_choice?: unknown;
  text?: { format?: Record<string, unknown> & { type: string }; verbosity?: string | null } | null;
  reasoning?: { effort?: string | null; summary?: string | null; generate_summary?: string | null } | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  metadata?: Record<string, string> | null;
  store?: boolean | null;
  previous_response_id?: string | null;
  parallel_tool_calls?: boolean | null;
  user?: string;
  safety_identifier?: string;
  prompt_cache_key?: string;
  stream?: boolean | null;
  stream_options?: Record<string, unknown> | null;
  background?: boolean | null;
  include?: string[] | null;
  truncation?: 'auto' | 'disabled' | null;
  service_tier?: string | null;
  conversation?: unknown;
  prompt?: unknown;
  max_tool_calls?: unknown;
  top_logprobs?: unknown;
}

/** A request mapped onto the internal model. */
export interface MappedRequest {
  /** The internal Chat Completions body (history, instructions and this turn's input). */
  chat: Record<string, unknown>;
  /** This turn's input as internal messages (no instructions): stored for continuations. */
  turnMessages: InternalMessage[];
  /** This turn's input as items with ids, for `GET /v1/responses/{id}/input_items`. */
  inputItems: Array<Record<string, unknown>>;
  /** The request fields a Response echoes. */
  echo: Omit<ResponseEcho, 'id' | 'created_at'>;
  /** Reasoning items carry `encrypted_content` (asked by `include`). */
  encryptedReasoning: boolean;
  /**
   * With {@link MapOptions.native}: what only a native Responses call can carry (built-in tools,
   * their items, ...), left out of `chat`; the 400 each would be on the chat port.
   */
  nativeOnly: InvalidRequestError[];
}

export interface MapOptions {
  /**
   * Map for a call that may go through natively: what only the Responses API itself carries is
   * collected in {@link MappedRequest.nativeOnly} (and left out of the internal body, which then
   * serves planning and the reservation) instead of refused at once.
   */
  native?: boolean;
}

/** Refusals of what only a native call carries: thrown, or collected when the call may be native. */
type NativeOnly = (param: string, message: string) => void;

function nativeOnlyRefusals(options: MapOptions, collected: InvalidRequestError[]): NativeOnly {
  return (param, message) => {
    const error = new InvalidRequestError(message, { param, code: 'unsupported_parameter' });
    if (!options.native) throw error;
    collected.push(error);
  };
}

/** Tool types of the Responses API that run on OpenAI's side: none of them crosses the chat port. */
const HOSTED_TOOLS = new Set([
  'web_search',
  'web_search_preview',
  'web_search_2025_08_26',
  'web_search_preview_2025_03_11',
  'file_search',
  'computer_use_preview',
  'computer_use',
  'code_interpreter',
  'image_generation',
  'mcp',
  'local_shell',
  'shell',
  'apply_patch',
  'custom',
]);

const INCLUDABLE = new Set(['reasoning.encrypted_content']);

function refuse(param: string, message: string): never {
  throw new InvalidRequestError(message, { param, code: 'unsupported_parameter' });
}

function invalid(param: string, message: string): never {
  throw new InvalidRequestError(message, { param, code: 'invalid_value' });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, param: string): string {
  if (typeof value !== 'string') invalid(param, `Invalid type for '${param}': expected a string.`);
  return value;
}

/** Top-level fields that cannot be honoured through the chat port: a 400 naming each. */
function refuseUnsupported(body: ResponsesRequest, nativeOnly: NativeOnly): void {
  if (body.background === true)
    refuse('background', "Background responses are not supported: send 'background': false (or omit it).");
  if (body.conversation !== undefined && body.conversation !== null)
    refuse('conversation', "The Conversations API is not supported: use 'previous_response_id' to continue.");
  if (body.prompt !== undefined && body.prompt !== null)
    refuse('prompt', "Prompt templates ('prompt') are not supported: send 'instructions' and 'input'.");
  if (body.max_tool_calls !== undefined && body.max_tool_calls !== null)
    nativeOnly('max_tool_calls', "'max_tool_calls' applies to built-in tools, which are not supported.");
  if (body.top_logprobs !== undefined && body.top_logprobs !== null && body.top_logprobs !== 0)
    nativeOnly(
      'top_logprobs',
      "'top_logprobs' is not supported: providers reached through the chat port do not return log probabilities.",
    );
  if (body.truncation === 'auto')
    nativeOnly(
      'truncation',
      "'truncation': 'auto' is not supported: the whole conversation is always sent ('disabled').",
    );
  if (body.text?.verbosity && body.text.verbosity !== 'medium')
    nativeOnly(
      'text.verbosity',
      "'text.verbosity' is not supported on every provider: omit it (or send 'medium').",
    );
  if (body.reasoning?.effort === 'xhigh')
    nativeOnly(
      'reasoning.effort',
      "'reasoning.effort': 'xhigh' has no equivalent on every provider: use 'high'.",
    );
  (body.include ?? []).forEach((value, i) => {
    if (!INCLUDABLE.has(value))
      nativeOnly(
        `include[${i}]`,
        `'${value}' cannot be included: only 'reasoning.encrypted_content' is supported.`,
      );
  });
}

/** Responses function tools -> Chat Completions tools; hosted tools are refused by name (native-only). */
function mapTools(
  tools: Array<Record<string, unknown>>,
  nativeOnly: NativeOnly,
): Array<Record<string, unknown>> {
  return tools.flatMap((tool, i) => {
    const type = tool.type;
    if (type !== 'function') {
      if (typeof type !== 'string' || !HOSTED_TOOLS.has(type))
        invalid(`tools[${i}].type`, `Invalid value for 'tools[${i}].type': expected 'function'.`);
      nativeOnly(
        `tools[${i}].type`,
        `The built-in tool '${type}' is not supported: Switchyard reaches this model through its chat port, which carries function tools only.`,
      );
      return [];
    }
    const name = requireString(tool.name, `tools[${i}].name`);
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name))
      invalid(`tools[${i}].name`, `Invalid 'tools[${i}].name': letters, digits, '_' and '-', at most 64.`);
    if (tool.parameters !== undefined && tool.parameters !== null && !isObject(tool.parameters))
      invalid(`tools[${i}].parameters`, `Invalid type for 'tools[${i}].parameters': expected an object.`);
    const fn: Record<string, unknown> = { name };
    if (typeof tool.description === 'string') fn.description = tool.description;
    if (isObject(tool.parameters)) fn.parameters = tool.parameters;
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
    return [{ type: 'function', function: fn }];
  });
}

function mapToolChoice(choice: unknown, nativeOnly: NativeOnly): unknown {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'none' || choice === 'auto' || choice === 'required') return choice;
  if (isObject(choice) && choice.type === 'function') {
    return { type: 'function', function: { name: requireString(choice.name, 'tool_choice.name') } };
  }
  if (isObject(choice) && typeof choice.type === 'string' && choice.type !== 'function') {
    nativeOnly(
      'tool_choice.type',
      `'tool_choice' of type '${choice.type}' is not supported: use 'none', 'auto', 'required' or a function.`,
    );
    return undefined;
  }
  return invalid(
    'tool_choice',
    "Invalid 'tool_choice': expected 'none', 'auto', 'required' or {type:'function', name}.",
  );
}

function mapFormat(format: Record<string, unknown> & { type: string }): unknown {
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const name = requireString(format.name, 'text.format.name');
      if (!isObject(format.schema))
        invalid('text.format.schema', "Missing required parameter: 'text.format.schema'.");
      const schema: Record<string, unknown> = { name, schema: format.schema };
      if (typeof format.description === 'string') schema.description = format.description;
      if (typeof format.strict === 'boolean') schema.strict = format.strict;
      return { type: 'json_schema', json_schema: schema };
    }
    default:
      return invalid('text.format.type', "Invalid value for 'text.format.type'.");
  }
}

/** A user, system or developer message's content parts -> Chat Completions parts. */
function mapInputParts(parts: unknown[], role: string, param: string): Array<Record<string, unknown>> {
  return parts.map((part, j) => {
    const at = `${param}[${j}]`;
    if (!isObject(part)) return invalid(at, `Invalid type for '${at}': expected an object.`);
    switch (part.type) {
      case 'input_text':
      case 'output_text': {
        const text: Record<string, unknown> = { type: 'text', text: requireString(part.text, `${at}.text`) };
        // Switchyard's extension: Anthropic prompt-cache breakpoints, as on chat parts.
        if (isObject(part.cache_control)) text.cache_control = part.cache_control;
        return text;
      }
      case 'input_image': {
        if (role !== 'user')
          refuse(`${at}.type`, `Images are accepted in user messages only, not in '${role}' messages.`);
        if (typeof part.image_url === 'string' && part.image_url)
          return {
            type: 'image_url',
            image_url: {
              url: part.image_url,
              ...(typeof part.detail === 'string' ? { detail: part.detail } : {}),
            },
          };
        if (typeof part.file_id === 'string' && part.file_id)
          return { type: 'file', file: { file_id: part.file_id } };
        return invalid(
          `${at}.image_url`,
          `Missing required parameter: '${at}.image_url' (or '${at}.file_id').`,
        );
      }
      case 'input_file': {
        if (role !== 'user')
          refuse(`${at}.type`, `Files are accepted in user messages only, not in '${role}' messages.`);
        if (typeof part.file_id === 'string' && part.file_id) {
          const file: Record<string, unknown> = { file_id: part.file_id };
          if (typeof part.filename === 'string') file.filename = part.filename;
          return { type: 'file', file };
        }
        if (part.file_data !== undefined)
          refuse(
            `${at}.file_data`,
            "Inline 'file_data' is not supported: upload the file to /v1/files and send its 'file_id'.",
          );
        if (part.file_url !== undefined)
          refuse(
            `${at}.file_url`,
            "'file_url' is not supported: upload the file to /v1/files and send its 'file_id'.",
          );
        return invalid(`${at}.file_id`, `Missing required parameter: '${at}.file_id'.`);
      }
      case 'input_audio':
        return refuse(
          `${at}.type`,
          'Audio input parts are not supported on /v1/responses: use /v1/chat/completions.',
        );
      default:
        return invalid(
          `${at}.type`,
          `Invalid value for '${at}.type': expected 'input_text', 'input_image' or 'input_file'.`,
        );
    }
  });
}

/** An assistant message item's content -> its text (and refusal). */
function assistantText(content: unknown, param: string): { text: string; refusal?: string } {
  if (typeof content === 'string') return { text: content };
  if (!Array.isArray(content))
    return invalid(param, `Invalid type for '${param}': expected a string or an array.`);
  let text = '';
  let refusal: string | undefined;
  content.forEach((part, j) => {
    const at = `${param}[${j}]`;
    if (!isObject(part)) invalid(at, `Invalid type for '${at}': expected an object.`);
    if (part.type === 'output_text' || part.type === 'input_text')
      text += requireString(part.text, `${at}.text`);
    else if (part.type === 'refusal')
      refusal = (refusal ?? '') + requireString(part.refusal, `${at}.refusal`);
    else invalid(`${at}.type`, `Invalid value for '${at}.type': expected 'output_text' or 'refusal'.`);
  });
  return { text, ...(refusal !== undefined ? { refusal } : {}) };
}

/** A function_call_output's output -> a tool message's text. */
function toolOutput(output: unknown, param: string): string {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output))
    return invalid(param, `Invalid type for '${param}': expected a string or an array.`);
  return output
    .map((part, j) => {
      const at = `${param}[${j}]`;
      if (!isObject(part) || part.type !== 'input_text')
        refuse(
          `${at}.type`,
          `Only 'input_text' parts can be a function call's output through the chat port.`,
        );
      return requireString(part.text, `${at}.text`);
    })
    .join('');
}

/**
 * Input items -> internal messages. Consecutive function calls (and the reasoning and text before
 * them) become one assistant message with `tool_calls`, as Chat Completions has them; a
 * function_call_output becomes a `tool` message.
 */
export function mapItems(
  input: string | unknown[],
  nativeOnly: NativeOnly = (param, message) => refuse(param, message),
): {
  messages: InternalMessage[];
  items: Array<Record<string, unknown>>;
} {
  if (typeof input === 'string') {
    const item = {
      id: newId('msg'),
      type: 'message',
      role: 'user',
      status: 'completed',
      content: [{ type: 'input_text', text: input }],
    };
    return { messages: [{ role: 'user', content: input }], items: [item] };
  }
  const messages: InternalMessage[] = [];
  const items: Array<Record<string, unknown>> = [];
  let assistant: InternalMessage | undefined;
  const flush = () => {
    if (!assistant) return;
    const calls = assistant.tool_calls as unknown[] | undefined;
    // A reasoning item with nothing after it has nothing to explain: it is not replayed.
    if (assistant.content !== null || calls?.length) messages.push(assistant);
    assistant = undefined;
  };
  const openAssistant = (): InternalMessage => (assistant ??= { role: 'assistant', content: null });
  input.forEach((raw, i) => {
    const at = `input[${i}]`;
    if (!isObject(raw)) return invalid(at, `Invalid type for '${at}': expected an object.`);
    const type: unknown = raw.type ?? (raw.role !== undefined ? 'message' : undefined);
    switch (typeof type === 'string' ? type : '') {
      case 'message': {
        const role = raw.role;
        if (role === 'assistant') {
          const { text, refusal } = assistantText(raw.content, `${at}.content`);
          if (
            assistant &&
            ((assistant.tool_calls as unknown[] | undefined)?.length || assistant.content !== null)
          )
            flush();
          const message = openAssistant();
          message.content = text;
          if (refusal !== undefined) message.refusal = refusal;
          items.push({
            id: raw.id ?? newId('msg'),
            type: 'message',
            role,
            status: 'completed',
            content: raw.content,
          });
          return;
        }
        if (role !== 'user' && role !== 'system' && role !== 'developer')
          return invalid(
            `${at}.role`,
            `Invalid value for '${at}.role': expected 'user', 'assistant', 'system' or 'developer'.`,
          );
        flush();
        let content: unknown;
        if (typeof raw.content === 'string') content = raw.content;
        else if (Array.isArray(raw.content)) content = mapInputParts(raw.content, role, `${at}.content`);
        else
          return invalid(`${at}.content`, `Invalid type for '${at}.content': expected a string or an array.`);
        messages.push({ role, content });
        const parts =
          typeof raw.content === 'string' ? [{ type: 'input_text', text: raw.content }] : raw.content;
        items.push({
          id: raw.id ?? newId('msg'),
          type: 'message',
          role,
          status: 'completed',
          content: parts,
        });
        return;
      }
      case 'function_call': {
        const callId = requireString(raw.call_id, `${at}.call_id`);
        const name = requireString(raw.name, `${at}.name`);
        const args = requireString(raw.arguments, `${at}.arguments`);
        const message = openAssistant();
        const calls = (message.tool_calls as unknown[] | undefined) ?? [];
        calls.push({ id: callId, type: 'function', function: { name, arguments: args } });
        message.tool_calls = calls;
        items.push({
          id: raw.id ?? newId('fc'),
          type: 'function_call',
          status: 'completed',
          call_id: callId,
          name,
          arguments: args,
        });
        return;
      }
      case 'function_call_output': {
        flush();
        const callId = requireString(raw.call_id, `${at}.call_id`);
        messages.push({
          role: 'tool',
          tool_call_id: callId,
          content: toolOutput(raw.output, `${at}.output`),
        });
        items.push({
          id: raw.id ?? newId('fc'),
          type: 'function_call_output',
          status: 'completed',
          call_id: callId,
          output: raw.output,
        });
        return;
      }
      case 'reasoning': {
        if (assistant) flush();
        const summary: unknown[] = Array.isArray(raw.summary) ? raw.summary : [];
        const content: unknown[] = Array.isArray(raw.content) ? raw.content : [];
        const text = [...content, ...summary]
          .map((p) => (isObject(p) && typeof p.text === 'string' ? p.text : ''))
          .filter(Boolean)
          .join('\n\n');
        const carried =
          typeof raw.encrypted_content === 'string' ? decodeReasoning(raw.encrypted_content) : undefined;
        const message = openAssistant();
        if (carried?.reasoning ?? text) message.reasoning_content = carried?.reasoning ?? text;
        if (carried?.thinkingBlocks?.length) message.thinking_blocks = carried.thinkingBlocks;
        items.push({
          id: raw.id ?? newId('rs'),
          type: 'reasoning',
          summary,
          ...(content.length ? { content } : {}),
        });
        return;
      }
      case 'item_reference':
        return refuse(
          `${at}.type`,
          "'item_reference' items are not supported: send the item itself, or use 'previous_response_id'.",
        );
      default:
        if (typeof type === 'string')
          return nativeOnly(
            `${at}.type`,
            `Input items of type '${type}' are not supported: built-in tools do not cross the chat port.`,
          );
        return invalid(`${at}.type`, `Missing required parameter: '${at}.type'.`);
    }
  });
  flush();
  return { messages, items };
}

/**
 * A Responses request -> the internal Chat Completions body. `history` is the stored conversation
 * of `previous_response_id` (its inputs and outputs, without its instructions, which OpenAI does
 * not carry over either). Everything that cannot be faithful is refused with a 400 naming it.
 */
export function mapRequest(
  body: ResponsesRequest,
  history: InternalMessage[] = [],
  options: MapOptions = {},
): MappedRequest {
  const collected: InvalidRequestError[] = [];
  const nativeOnly = nativeOnlyRefusals(options, collected);
  refuseUnsupported(body, nativeOnly);
  const { messages, items } = mapItems(body.input, nativeOnly);
  const tools = body.tools ? mapTools(body.tools, nativeOnly) : undefined;
  const toolChoice = mapToolChoice(body.tool_choice, nativeOnly);
  const responseFormat = body.text?.format ? mapFormat(body.text.format) : undefined;
  const chat: Record<string, unknown> = {
    messages: [
      ...(body.instructions ? [{ role: 'system', content: body.instructions }] : []),
      ...history,
      ...messages,
    ],
  };
  // Nothing but built-in tool items: no conversation to plan or reserve for, on either path.
  if ((chat.messages as unknown[]).length === 0 && collected[0]) throw collected[0];
  if (body.model !== undefined) chat.model = body.model;
  if (body.models !== undefined) chat.models = body.models;
  if (body.route !== undefined) chat.route = body.route;
  if (body.stream_failover !== undefined) chat.stream_failover = body.stream_failover;
  if (tools?.length) {
    chat.tools = tools;
    if (typeof body.parallel_tool_calls === 'boolean') chat.parallel_tool_calls = body.parallel_tool_calls;
  }
  if (toolChoice !== undefined) {
    if (!tools?.length && toolChoice !== 'none' && toolChoice !== 'auto')
      invalid('tool_choice', "'tool_choice' needs 'tools'.");
    if (tools?.length) chat.tool_choice = toolChoice;
  }
  if (responseFormat) chat.response_format = responseFormat;
  if (body.reasoning?.effort) chat.reasoning_effort = body.reasoning.effort;
  if (typeof body.max_output_tokens === 'number') chat.max_completion_tokens = body.max_output_tokens;
  if (typeof body.temperature === 'number') chat.temperature = body.temperature;
  if (typeof body.top_p === 'number') chat.top_p = body.top_p;
  if (body.user !== undefined) chat.user = body.user;
  if (body.safety_identifier !== undefined) chat.safety_identifier = body.safety_identifier;
  if (body.prompt_cache_key !== undefined) chat.prompt_cache_key = body.prompt_cache_key;
  if (body.stream === true) {
    chat.stream = true;
    // The sink needs the usage chunk (with the charge) for response.completed.
    chat.stream_options = { include_usage: true };
  }
  return {
    chat,
    turnMessages: messages,
    inputItems: items,
    encryptedReasoning: (body.include ?? []).includes('reasoning.encrypted_content'),
    nativeOnly: collected,
    echo: {
      object: 'response',
      background: false,
      instructions: body.instructions ?? null,
      max_output_tokens: body.max_output_tokens ?? null,
      max_tool_calls: null,
      model: body.model ?? body.models?.[0] ?? body.route ?? '',
      parallel_tool_calls: body.parallel_tool_calls ?? true,
      previous_response_id: body.previous_response_id ?? null,
      reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
      service_tier: 'default',
      store: body.store ?? true,
      temperature: body.temperature ?? null,
      text: { format: body.text?.format ?? { type: 'text' } },
      tool_choice: body.tool_choice ?? 'auto',
      tools: body.tools ?? [],
      top_p: body.top_p ?? null,
      truncation: 'disabled',
      user: body.user ?? null,
      metadata: body.metadata ?? {},
    },
  };
}
