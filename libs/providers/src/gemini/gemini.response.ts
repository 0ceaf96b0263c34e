import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { nowSeconds, randomId } from '../shared/ids.js';
import { blockedPrompt } from './gemini.errors.js';
import type { GeminiCandidate, GeminiGenerateResponse, GeminiPart, GeminiUsage } from './gemini.types.js';

type FinishReason = ChatCompletion.Choice['finish_reason'];

const CONTENT_FILTER_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'LANGUAGE',
]);

/** Gemini's finishReason in OpenAI's words; a function call turns STOP into tool_calls. */
export function finishReasonOf(reason: string, calledTools: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER_REASONS.has(reason)) return 'content_filter';
  return calledTools ? 'tool_calls' : 'stop';
}

/** usageMetadata as OpenAI usage; thinking tokens count as (reasoning) completion tokens, as billed. */
export function usageOf(meta: GeminiUsage | undefined): CompletionUsage | undefined {
  if (!meta) return undefined;
  const prompt = meta.promptTokenCount ?? 0;
  const reasoning = meta.thoughtsTokenCount ?? 0;
  const completion = (meta.candidatesTokenCount ?? 0) + reasoning;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: meta.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: meta.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

function answerParts(candidate: GeminiCandidate): GeminiPart[] {
  return (candidate.content?.parts ?? []).filter((p) => p.thought !== true);
}

/** The thought summaries' text: the internal model's `reasoning_content`. */
function thoughtText(candidate: GeminiCandidate): string {
  return (candidate.content?.parts ?? [])
    .filter((p) => p.thought === true)
    .map((p) => p.text ?? '')
    .join('');
}

function toolCallOf(part: GeminiPart): ChatCompletionMessageToolCall | null {
  if (!part.functionCall) return null;
  return {
    id: part.functionCall.id ?? `call_${randomId()}`,
    type: 'function',
    function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
  };
}

/** A generateContent response as an OpenAI chat completion. */
export function toChatCompletion(
  response: GeminiGenerateResponse,
  model: string,
  provider: string,
): ChatCompletion {
  const candidates = response.candidates ?? [];
  if (candidates.length === 0 && response.promptFeedback?.blockReason) {
    throw blockedPrompt(provider, response.promptFeedback.blockReason);
  }
  const choices = candidates.map((candidate, i): ChatCompletion.Choice => {
    const parts = answerParts(candidate);
    const text = parts.map((p) => p.text ?? '').join('');
    const toolCalls = parts.map(toolCallOf).filter((c): c is ChatCompletionMessageToolCall => c !== null);
    const reasoning = thoughtText(candidate);
    return {
      index: candidate.index ?? i,
      message: {
        role: 'assistant',
        content: toolCalls.length > 0 && text === '' ? null : text,
        refusal: null,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        ...(reasoning ? { reasoning_content: reasoning } : {}),
      },
      logprobs: null,
      finish_reason: finishReasonOf(candidate.finishReason ?? 'STOP', toolCalls.length > 0),
    };
  });
  const usage = usageOf(response.usageMetadata);
  return {
    id: `chatcmpl-${response.responseId ?? randomId()}`,
    object: 'chat.completion',
    created: nowSeconds(),
    model,
    choices,
    ...(usage ? { usage } : {}),
  };
}

interface CandidateState {
  started: boolean;
  toolCalls: number;
  finished: boolean;
}

/**
 * Turns streamed Gemini responses into OpenAI chunks as they come: a role on each choice's first
 * chunk, text as content deltas, each function call as one complete tool_calls delta (Gemini
 * never splits them), a separate finish chunk, and at the end a `choices: []` usage chunk when
 * the caller asked for `stream_options.include_usage`.
 */
export class GeminiStreamMapper {
  private readonly id = `chatcmpl-${randomId()}`;
  private readonly created = nowSeconds();
  private readonly candidates = new Map<number, CandidateState>();
  private usage: CompletionUsage | undefined;

  constructor(
    private readonly model: string,
    private readonly provider: string,
    private readonly includeUsage: boolean,
  ) {}

  private chunk(choices: ChatCompletionChunk.Choice[], usage?: CompletionUsage): ChatCompletionChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices,
      ...(usage ? { usage } : {}),
    };
  }

  /** The OpenAI chunks for one Gemini stream frame. */
  map(response: GeminiGenerateResponse): ChatCompletionChunk[] {
    const candidates = response.candidates ?? [];
    if (candidates.length === 0 && response.promptFeedback?.blockReason) {
      throw blockedPrompt(this.provider, response.promptFeedback.blockReason);
    }
    this.usage = usageOf(response.usageMetadata) ?? this.usage;
    const out: ChatCompletionChunk[] = [];
    candidates.forEach((candidate, i) => {
      const index = candidate.index ?? i;
      let state = this.candidates.get(index);
      if (!state) {
        state = { started: false, toolCalls: 0, finished: false };
        this.candidates.set(index, state);
      }
      const parts = answerParts(candidate);
      const text = parts.map((p) => p.text ?? '').join('');
      const reasoning = thoughtText(candidate);
      if (reasoning) {
        const delta = {
          ...(state.started ? {} : { role: 'assistant' as const }),
          reasoning_content: reasoning,
        };
        state.started = true;
        out.push(this.chunk([{ index, delta, finish_reason: null, logprobs: null }]));
        if (text === '' && !parts.some((p) => p.functionCall) && !candidate.finishReason) return;
      }
      const calls: ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
      for (const part of parts) {
        const call = toolCallOf(part);
        if (call?.type === 'function') {
          calls.push({ index: state.toolCalls++, id: call.id, type: 'function', function: call.function });
        }
      }
      if (text !== '' || calls.length > 0 || !state.started) {
        const delta: ChatCompletionChunk.Choice.Delta = {
          ...(state.started ? {} : { role: 'assistant' as const }),
          ...(text !== '' || calls.length === 0 ? { content: text } : {}),
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        };
        state.started = true;
        out.push(this.chunk([{ index, delta, finish_reason: null, logprobs: null }]));
      }
      if (candidate.finishReason && !state.finished) {
        state.finished = true;
        const finish = finishReasonOf(candidate.finishReason, state.toolCalls > 0);
        out.push(this.chunk([{ index, delta: {}, finish_reason: finish, logprobs: null }]));
      }
    });
    return out;
  }

  /** The closing usage chunk, when asked for and reported. */
  finish(): ChatCompletionChunk[] {
    return this.includeUsage && this.usage ? [this.chunk([], this.usage)] : [];
  }
}
