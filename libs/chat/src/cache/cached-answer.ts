type Json = Record<string, unknown>;

/** A chat answer's token usage as its call reported it (OpenAI shape, without `cost`). */
export interface CachedUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [detail: string]: unknown;
}

/**
 * One stored answer (as JSON). It keeps the form it was served in: a plain call's
 * `chat.completion`, or a stream's chunks as they went out (so a stream replays exactly as it
 * was relayed). The other form is derived when a call asks for it.
 */
export interface CachedAnswer {
  v: 1;
  /** The answer headers of the call that produced it (`x-switchyard-provider`, `-model`, `-route`). */
  headers: Record<string, string>;
  /** The provider and model (`provider/model`) that produced it. */
  provider: string;
  model: string;
  usage: CachedUsage;
  /** A plain call's `chat.completion`, without `usage`. */
  completion?: Json;
  /** A stream's `chat.completion.chunk`s, without the usage chunk. */
  chunks?: Json[];
}

/** Finish reasons of a complete answer; anything else (`content_filter`, none) is not stored. */
export const COMPLETE_FINISH = new Set(['stop', 'tool_calls', 'length', 'function_call']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stream's identity fields, for a derived form. */
function identityOf(source: Json, object: string): Json {
  const out: Json = { id: source.id, object, created: source.created, model: source.model };
  if (source.system_fingerprint !== undefined) out.system_fingerprint = source.system_fingerprint;
  return out;
}

/**
 * A one-choice stream folded into its `chat.completion`: text fields (content, refusal,
 * reasoning_content) concatenated, list fields (thinking_blocks) appended, tool-call deltas
 * merged by index, the last finish reason.
 */
export function completionFromChunks(chunks: readonly Json[]): Json {
  const message: Json = { role: 'assistant', content: null };
  const toolCalls: Json[] = [];
  let finish: unknown = null;
  for (const chunk of chunks) {
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as Json[]) : [];
    for (const choice of choices) {
      if (choice.finish_reason) finish = choice.finish_reason;
      const delta = isObject(choice.delta) ? choice.delta : {};
      for (const [field, value] of Object.entries(delta)) {
        if (value === null || value === undefined) continue;
        if (field === 'tool_calls' && Array.isArray(value)) {
          for (const part of value as Json[]) mergeToolCall(toolCalls, part);
        } else if (field === 'role') {
          message.role = value;
        } else if (typeof value === 'string') {
          const sofar = message[field];
          message[field] = (typeof sofar === 'string' ? sofar : '') + value;
        } else if (Array.isArray(value)) {
          message[field] = [
            ...(Array.isArray(message[field]) ? (message[field] as unknown[]) : []),
            ...(value as unknown[]),
          ];
        } else {
          message[field] = value;
        }
      }
    }
  }
  const calls = toolCalls.filter(Boolean);
  if (calls.length > 0) message.tool_calls = calls;
  // A live stream opens with an empty content delta; a whole answer without text has null.
  if (message.content === '') message.content = null;
  return {
    ...identityOf(chunks[0] ?? {}, 'chat.completion'),
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
  };
}

function mergeToolCall(calls: Json[], part: Json): void {
  const index = typeof part.index === 'number' ? part.index : calls.length;
  const call = (calls[index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
  if (typeof part.id === 'string' && part.id) call.id = part.id;
  if (typeof part.type === 'string') call.type = part.type;
  const fn = isObject(part.function) ? part.function : {};
  const target = call.function as { name: string; arguments: string };
  if (typeof fn.name === 'string') target.name += fn.name;
  if (typeof fn.arguments === 'string') target.arguments += fn.arguments;
}

/**
 * A one-choice `chat.completion` as the chunks a live stream carries: the role, then reasoning,
 * thinking blocks, content, refusal and each tool call in their own chunk, then the finish.
 */
export function chunksFromCompletion(completion: Json): Json[] {
  const base = identityOf(completion, 'chat.completion.chunk');
  const choice = (Array.isArray(completion.choices) ? (completion.choices[0] as Json) : undefined) ?? {};
  const message = isObject(choice.message) ? choice.message : {};
  const deltas: Json[] = [{ role: 'assistant', content: '' }];
  for (const field of ['reasoning_content', 'thinking_blocks', 'content', 'refusal']) {
    const value = message[field];
    if (value !== null && value !== undefined && value !== '') deltas.push({ [field]: value });
  }
  const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as Json[]) : [];
  calls.forEach((call, index) => deltas.push({ tool_calls: [{ index, ...call }] }));
  const chunks: Json[] = deltas.map((delta) => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: null, logprobs: null }],
  }));
  chunks.push({
    ...base,
    choices: [{ index: 0, delta: {}, finish_reason: choice.finish_reason ?? 'stop', logprobs: null }],
  });
  return chunks;
}
