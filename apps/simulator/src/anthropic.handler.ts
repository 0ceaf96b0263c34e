import { createHash } from 'node:crypto';
import type { FinishKind, ReplyPlan } from './conversation.types.js';
import type { Exchange } from './exchange.types.js';
import { badRequest } from './bad-request.util.js';
import { anthropicCacheBreakpoints, parseAnthropicRequest } from './anthropic.parser.js';
import { sendResult } from './http.util.js';
import { asArray, asRecord, asString, type JsonObject } from './json.util.js';
import { planReply, splitArguments, splitWords } from './reply.engine.js';
import { sendSse, type SseFrame } from './sse.writer.js';
import { NO_CACHE_USE, type CacheUse } from './prompt-cache.store.js';
import { countPromptTokens, countTokens } from './tokens.util.js';

const TOOL_USE_ID = 'toolu_sim_0';

const STOP_REASONS: Record<FinishKind, string> = {
  stop: 'end_turn',
  stop_sequence: 'stop_sequence',
  length: 'max_tokens',
  tool_calls: 'tool_use',
};

/** Anthropic's usage: `input_tokens` is what the cache neither served nor stored. */
function usage(prompt: number, output: number, cache: CacheUse = NO_CACHE_USE): JsonObject {
  const written = cache.written5m + cache.written1h;
  return {
    input_tokens: prompt - cache.read - written,
    output_tokens: output,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cache.read,
    cache_creation: {
      ephemeral_5m_input_tokens: cache.written5m,
      ephemeral_1h_input_tokens: cache.written1h,
    },
  };
}

/** A thinking block's signature: deterministic, so a block sent back can be checked. */
export function thinkingSignature(thinking: string): string {
  return `sig_sim_${createHash('sha256').update(thinking).digest('base64url')}`;
}

/** The thinking a simulated Claude shows when `thinking` is enabled; null otherwise. */
function thinkingFor(body: JsonObject, lastUserText: string): string | null {
  if (asRecord(body.thinking).type !== 'enabled') return null;
  return `Thinking about: ${lastUserText || 'the conversation'}`;
}

/**
 * The first thinking block sent back whose signature is not the simulator's own, as a 400 message
 * (Anthropic refuses a thinking block that was altered); null when every one checks out.
 */
function badThinkingBlock(body: JsonObject): string | null {
  const messages = asArray(body.messages).map(asRecord);
  for (const [i, message] of messages.entries()) {
    if (message.role !== 'assistant') continue;
    for (const [j, raw] of asArray(message.content).entries()) {
      const block = asRecord(raw);
      if (block.type !== 'thinking') continue;
      const thinking = asString(block.thinking) ?? '';
      if (block.signature !== thinkingSignature(thinking)) {
        return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
      }
    }
  }
  return null;
}

function contentBlock(plan: ReplyPlan): JsonObject {
  if (!plan.toolCall) return { type: 'text', text: plan.text };
  return { type: 'tool_use', id: TOOL_USE_ID, name: plan.toolCall.name, input: plan.toolCall.args };
}

function event(type: string, payload: JsonObject = {}): SseFrame {
  return { event: type, data: JSON.stringify({ type, ...payload }) };
}

/** The documented event sequence: start, block start, ping, deltas, block stop, message delta, stop. */
function streamFrames(
  message: JsonObject,
  plan: ReplyPlan,
  cache: CacheUse,
  thinking: string | null,
): SseFrame[] {
  const frames: SseFrame[] = [
    event('message_start', {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage(plan.promptTokens, 1, cache),
      },
    }),
  ];
  // With thinking enabled, the thinking block comes first (its words, then its signature).
  const index = thinking === null ? 0 : 1;
  if (thinking !== null) {
    frames.push(
      event('content_block_start', {
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      }),
    );
    for (const word of splitWords(thinking)) {
      frames.push(
        event('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: word } }),
      );
    }
    frames.push(
      event('content_block_delta', {
        index: 0,
        delta: { type: 'signature_delta', signature: thinkingSignature(thinking) },
      }),
    );
    frames.push(event('content_block_stop', { index: 0 }));
  }
  if (plan.toolCall) {
    const { name, argsJson } = plan.toolCall;
    frames.push(
      event('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: TOOL_USE_ID, name, input: {} },
      }),
    );
    frames.push(event('ping'));
    for (const piece of splitArguments(argsJson)) {
      frames.push(
        event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }),
      );
    }
  } else {
    frames.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    frames.push(event('ping'));
    for (const word of splitWords(plan.text)) {
      frames.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: word } }));
    }
  }
  frames.push(event('content_block_stop', { index }));
  frames.push(
    event('message_delta', {
      delta: { stop_reason: STOP_REASONS[plan.finish], stop_sequence: plan.stopSequence },
      usage: { output_tokens: plan.completionTokens },
    }),
  );
  frames.push(event('message_stop'));
  return frames;
}

/** POST /v1/messages */
export async function handleMessages(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  if (typeof body.model !== 'string') return badRequest(ex, 'model: Field required');
  if (typeof body.max_tokens !== 'number') return badRequest(ex, 'max_tokens: Field required');
  if (!Array.isArray(body.messages)) return badRequest(ex, 'messages: Field required');
  const badThinking = badThinkingBlock(body);
  if (badThinking) return badRequest(ex, badThinking);
  const conversation = parseAnthropicRequest(body);
  const thinking = thinkingFor(body, conversation.lastUserText);
  const replied = planReply(conversation);
  // Thinking is billed as output, as Anthropic bills it.
  const plan =
    thinking === null
      ? replied
      : { ...replied, completionTokens: replied.completionTokens + countTokens(thinking) };
  const cache = ex.promptCache.use(body.model, conversation.messageTexts, anthropicCacheBreakpoints(body));
  const message = { id: `msg_sim_${ex.seq}`, type: 'message', role: 'assistant', model: body.model };
  if (body.stream === true) return sendSse(ex, streamFrames(message, plan, cache, thinking));
  const thinkingBlocks =
    thinking === null ? [] : [{ type: 'thinking', thinking, signature: thinkingSignature(thinking) }];
  sendResult(ex, {
    ...message,
    content: [...thinkingBlocks, contentBlock(plan)],
    stop_reason: STOP_REASONS[plan.finish],
    stop_sequence: plan.stopSequence,
    usage: usage(plan.promptTokens, plan.completionTokens, cache),
  });
}

/** POST /v1/messages/count_tokens */
export async function handleCountTokens(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  if (asString(body.model) === null) return badRequest(ex, 'model: Field required');
  sendResult(ex, { input_tokens: countPromptTokens(parseAnthropicRequest(body).messageTexts) });
}
