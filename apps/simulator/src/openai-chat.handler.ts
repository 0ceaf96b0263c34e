import type { FinishKind, ReplyPlan } from './conversation.types.js';
import type { Exchange } from './exchange.types.js';
import { sendResult } from './http.util.js';
import { asNumber, asRecord, asString, type JsonObject } from './json.util.js';
import { parseOpenaiChat } from './openai-chat.parser.js';
import { badRequest } from './bad-request.util.js';
import { planReply, splitArguments, splitWords } from './reply.engine.js';
import { sendSse, type SseFrame } from './sse.writer.js';
import {
  WRONG_ANSWER,
  classificationFor,
  listedSources,
  personaOf,
  reasoningFor,
  wantsClassification,
} from './persona.js';
import { countTokens } from './tokens.util.js';

const TOOL_CALL_ID = 'call_sim_0';
const MAX_CHOICES = 128;

/** OpenAI's finish_reason vocabulary. */
export function openaiFinish(finish: FinishKind): string {
  return finish === 'stop_sequence' ? 'stop' : finish;
}

/** OpenAI's usage object, with the detail blocks current clients expect. */
export function openaiUsage(promptTokens: number, completionTokens: number, reasoningTokens = 0): JsonObject {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function choiceCount(body: JsonObject): number {
  return Math.min(MAX_CHOICES, Math.max(1, Math.floor(asNumber(body.n) ?? 1)));
}

/** A reply plan with what a persona adds: the reasoning shown before the answer. */
type PersonaPlan = ReplyPlan & { reasoning: string | null };

/**
 * The persona of the model name (see persona.ts) and the classifier's JSON applied to the
 * deterministic reply: reasoning tokens count as completion tokens, as providers bill them.
 */
export function personaPlan(
  body: JsonObject,
  plan: ReplyPlan,
  conv: ReturnType<typeof parseOpenaiChat>,
): PersonaPlan {
  if (plan.toolCall) return { ...plan, reasoning: null };
  const persona = personaOf(asString(body.model) ?? '');
  let text = plan.text;
  if (persona === 'wrong') text = WRONG_ANSWER;
  else if (wantsClassification(body)) text = JSON.stringify(classificationFor(conv));
  else if (!conv.json) {
    const cited = listedSources(body);
    if (cited.length > 0) text = `${text} ${cited.map((n) => `[${n}]`).join(' ')}`;
  }
  const reasoning = persona === 'reasoner' ? reasoningFor(conv) : null;
  if (text === plan.text && reasoning === null) return { ...plan, reasoning };
  return {
    ...plan,
    text,
    reasoning,
    completionTokens: countTokens(text) + (reasoning === null ? 0 : countTokens(reasoning)),
  };
}

function message(plan: PersonaPlan): JsonObject {
  if (!plan.toolCall) {
    return {
      role: 'assistant',
      content: plan.text,
      ...(plan.reasoning !== null ? { reasoning_content: plan.reasoning } : {}),
      refusal: null,
      annotations: [],
    };
  }
  const call = {
    id: TOOL_CALL_ID,
    type: 'function',
    function: { name: plan.toolCall.name, arguments: plan.toolCall.argsJson },
  };
  return { role: 'assistant', content: null, refusal: null, annotations: [], tool_calls: [call] };
}

/** Deltas of one choice, in order, without the finish chunk. */
function choiceDeltas(plan: PersonaPlan): JsonObject[] {
  if (plan.toolCall) {
    const { name, argsJson } = plan.toolCall;
    const head = { index: 0, id: TOOL_CALL_ID, type: 'function', function: { name, arguments: '' } };
    return [
      { role: 'assistant', content: null, tool_calls: [head] },
      ...splitArguments(argsJson).map((piece) => ({
        tool_calls: [{ index: 0, function: { arguments: piece } }],
      })),
    ];
  }
  // A reasoner streams its reasoning first (DeepSeek's `reasoning_content` deltas), then the answer.
  const thinking = plan.reasoning === null ? [] : splitWords(plan.reasoning);
  const deltas: JsonObject[] = thinking.map((word) => ({ content: null, reasoning_content: word }));
  const words = splitWords(plan.text);
  if (words.length === 0) deltas.push({ content: '' });
  // A loop, not push(...spread): an answer of 100,000+ words would overflow the call stack.
  else for (const word of words) deltas.push({ content: word });
  deltas[0] = { role: 'assistant', ...deltas[0] };
  return deltas;
}

function reasoningTokens(plan: PersonaPlan): number {
  return plan.reasoning === null ? 0 : countTokens(plan.reasoning);
}

function streamFrames(ex: Exchange, body: JsonObject, plan: PersonaPlan, n: number): SseFrame[] {
  const includeUsage = asRecord(body.stream_options).include_usage === true;
  const base = {
    id: `chatcmpl-sim-${ex.seq}`,
    object: 'chat.completion.chunk',
    created: ex.createdSec,
    model: asString(body.model) ?? '',
    system_fingerprint: 'fp_sim',
  };
  const chunk = (choices: JsonObject[], extra: JsonObject = {}): SseFrame => ({
    data: JSON.stringify({ ...base, choices, ...(includeUsage ? { usage: null } : {}), ...extra }),
  });
  const frames: SseFrame[] = [];
  const deltas = choiceDeltas(plan);
  for (const delta of deltas) {
    for (let index = 0; index < n; index++) {
      frames.push(chunk([{ index, delta, logprobs: null, finish_reason: null }]));
    }
  }
  for (let index = 0; index < n; index++) {
    frames.push(chunk([{ index, delta: {}, logprobs: null, finish_reason: openaiFinish(plan.finish) }]));
  }
  if (includeUsage) {
    frames.push(
      chunk([], {
        usage: openaiUsage(plan.promptTokens, plan.completionTokens * n, reasoningTokens(plan) * n),
      }),
    );
  }
  frames.push({ data: '[DONE]' });
  return frames;
}

/** POST /v1/chat/completions */
export async function handleChatCompletions(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  if (typeof body.model !== 'string') return badRequest(ex, 'you must provide a model parameter', 'model');
  if (!Array.isArray(body.messages))
    return badRequest(ex, "Missing required parameter: 'messages'.", 'messages');
  const parsed = parseOpenaiChat(body);
  // A `looper` keeps calling a tool even after its results (a model that never stops searching).
  const conv =
    personaOf(asString(body.model) ?? '') === 'looper' && parsed.toolResult !== null
      ? { ...parsed, toolResult: null }
      : parsed;
  const plan = personaPlan(body, planReply(conv), conv);
  const n = choiceCount(body);
  if (body.stream === true) return sendSse(ex, streamFrames(ex, body, plan, n));
  const choices = Array.from({ length: n }, (_, index) => ({
    index,
    message: message(plan),
    logprobs: null,
    finish_reason: openaiFinish(plan.finish),
  }));
  sendResult(ex, {
    id: `chatcmpl-sim-${ex.seq}`,
    object: 'chat.completion',
    created: ex.createdSec,
    model: body.model,
    system_fingerprint: 'fp_sim',
    choices,
    usage: openaiUsage(plan.promptTokens, plan.completionTokens * n, reasoningTokens(plan) * n),
  });
}
