import type { ReplyPlan } from './conversation.types.js';
import type { Exchange } from './exchange.types.js';
import { badRequest } from './bad-request.util.js';
import { sendResult } from './http.util.js';
import { asArray, asNumber, asRecord, asStringList, type JsonObject } from './json.util.js';
import { openaiFinish } from './openai-chat.handler.js';
import { planReply, splitWords } from './reply.engine.js';
import { sendSse, type SseFrame } from './sse.writer.js';
import { countTokens, decodeTokens } from './tokens.util.js';

/** The prompts of a legacy request: a string, strings, token ids, or lists of token ids. */
function prompts(raw: unknown): string[] | null {
  if (typeof raw === 'string') return [raw];
  if (!Array.isArray(raw)) return null;
  if (raw.length > 0 && raw.every((t): t is number => typeof t === 'number')) return [decodeTokens(raw)];
  const out: string[] = [];
  for (const item of raw) {
    if (typeof item === 'string') out.push(item);
    else if (Array.isArray(item))
      out.push(decodeTokens(asArray(item).filter((t): t is number => typeof t === 'number')));
    else return null;
  }
  return out;
}

/** One legacy completion: `echo: <prompt>`, prompt tokens counted without any chat overhead. */
function planCompletion(prompt: string, body: JsonObject): ReplyPlan {
  const plan = planReply({
    messageTexts: [],
    lastUserText: prompt,
    toolResult: null,
    tools: [],
    toolChoice: { mode: 'none' },
    maxTokens: asNumber(body.max_tokens),
    stop: asStringList(body.stop),
    json: false,
  });
  return { ...plan, promptTokens: countTokens(prompt) };
}

/** POST /v1/completions (legacy text completions). */
export async function handleCompletions(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  if (typeof body.model !== 'string') return badRequest(ex, 'you must provide a model parameter', 'model');
  const list = prompts(body.prompt ?? '');
  if (list === null) return badRequest(ex, "Invalid type for 'prompt'.", 'prompt');
  const n = Math.max(1, Math.floor(asNumber(body.n) ?? 1));
  const plans = list.map((p) => planCompletion(p, body));
  const promptTokens = plans.reduce((sum, p) => sum + p.promptTokens, 0);
  const completionTokens = plans.reduce((sum, p) => sum + p.completionTokens * n, 0);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  const base = {
    id: `cmpl-sim-${ex.seq}`,
    object: 'text_completion',
    created: ex.createdSec,
    model: body.model,
  };
  const indexed = plans.flatMap((plan) => Array.from({ length: n }, () => plan));
  if (body.stream !== true) {
    const choices = indexed.map((plan, index) => ({
      text: plan.text,
      index,
      logprobs: null,
      finish_reason: openaiFinish(plan.finish),
    }));
    return sendResult(ex, { ...base, system_fingerprint: 'fp_sim', choices, usage });
  }
  const includeUsage = asRecord(body.stream_options).include_usage === true;
  const chunk = (choices: JsonObject[], extra: JsonObject = {}): SseFrame => ({
    data: JSON.stringify({ ...base, choices, ...(includeUsage ? { usage: null } : {}), ...extra }),
  });
  const frames: SseFrame[] = [];
  indexed.forEach((plan, index) => {
    for (const word of splitWords(plan.text)) {
      frames.push(chunk([{ text: word, index, logprobs: null, finish_reason: null }]));
    }
  });
  indexed.forEach((plan, index) => {
    frames.push(chunk([{ text: '', index, logprobs: null, finish_reason: openaiFinish(plan.finish) }]));
  });
  if (includeUsage) frames.push(chunk([], { usage }));
  frames.push({ data: '[DONE]' });
  return sendSse(ex, frames);
}
