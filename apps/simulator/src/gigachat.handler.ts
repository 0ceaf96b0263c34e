import type { ReplyPlan } from './conversation.types.js';
import type { Exchange } from './exchange.types.js';
import { badRequest } from './bad-request.util.js';
import { parseGigaChat } from './gigachat.parser.js';
import { sendResult } from './http.util.js';
import { asArray, asRecord, type JsonObject } from './json.util.js';
import { planReply, splitWords } from './reply.engine.js';
import { sendSse, type SseFrame } from './sse.writer.js';

/** What GigaChat answers in place of a filtered reply (with finish_reason `blacklist`). */
export const GIGACHAT_BLACKLIST_TEXT = 'Не люблю менять тему разговора, но вот сейчас тот самый случай.';

const FINISH: Record<ReplyPlan['finish'], string> = {
  stop: 'stop',
  stop_sequence: 'stop',
  length: 'length',
  tool_calls: 'function_call',
};

function usage(plan: ReplyPlan): JsonObject {
  const total = plan.promptTokens + plan.completionTokens;
  return {
    prompt_tokens: plan.promptTokens,
    completion_tokens: plan.completionTokens,
    total_tokens: total,
    precached_prompt_tokens: 0,
  };
}

/** POST /api/v2/oauth: an access token for the auth key (`Authorization: Basic <auth key>`). */
export async function handleGigaChatToken(ex: Exchange): Promise<void> {
  const scope = asRecord(ex.body).scope;
  if (scope !== 'GIGACHAT_API_PERS' && scope !== 'GIGACHAT_API_B2B' && scope !== 'GIGACHAT_API_CORP') {
    return badRequest(ex, 'scope is required: GIGACHAT_API_PERS, GIGACHAT_API_B2B or GIGACHAT_API_CORP');
  }
  if (!ex.headers.rquid) return badRequest(ex, 'RqUID header is required');
  sendResult(ex, ex.gigachatTokens.issue(ex.apiKey ?? ''));
}

/** GET /api/v1/models: GigaChat's model list (what a key test reads). */
export async function handleGigaChatModels(ex: Exchange): Promise<void> {
  const ids = ['GigaChat-2', 'GigaChat-2-Pro', 'GigaChat-2-Max'];
  sendResult(ex, {
    object: 'list',
    data: ids.map((id) => ({ id, object: 'model', owned_by: 'salutedevices' })),
  });
}

/** POST /api/v1/chat/completions (stream too), after the pipeline checked the access token. */
export async function handleGigaChatCompletions(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  if (asArray(body.messages).length === 0) return badRequest(ex, 'messages must not be empty');
  const plan = planReply(parseGigaChat(body));
  const blocked = ex.fault.errorKind === 'content_filter';
  const text = blocked ? GIGACHAT_BLACKLIST_TEXT : plan.text;
  const finish = blocked ? 'blacklist' : FINISH[plan.finish];
  const call = plan.toolCall && !blocked ? { name: plan.toolCall.name, arguments: plan.toolCall.args } : null;
  const meta = { created: ex.createdSec, model: ex.model, object: 'chat.completion' };
  if (body.stream !== true) {
    const message: JsonObject = {
      role: 'assistant',
      content: call ? '' : text,
      ...(call ? { function_call: call, functions_state_id: `sim-state-${ex.seq}` } : {}),
    };
    return sendResult(ex, {
      choices: [{ message, index: 0, finish_reason: finish }],
      ...meta,
      usage: usage(plan),
    });
  }
  const frames: SseFrame[] = [];
  const frame = (delta: JsonObject, last: boolean): SseFrame => ({
    data: JSON.stringify({
      choices: [{ delta, index: 0, ...(last ? { finish_reason: finish } : {}) }],
      ...meta,
      ...(last ? { usage: usage(plan) } : {}),
    }),
  });
  if (call) {
    // GigaChat sends a function call whole, in one chunk.
    frames.push(
      frame(
        { role: 'assistant', content: '', function_call: call, functions_state_id: `sim-state-${ex.seq}` },
        true,
      ),
    );
  } else {
    const words = splitWords(text);
    if (words.length === 0) words.push('');
    words.forEach((word, i) =>
      frames.push(
        frame({ ...(i === 0 ? { role: 'assistant' } : {}), content: word }, i === words.length - 1),
      ),
    );
  }
  frames.push({ data: '[DONE]' });
  return sendSse(ex, frames);
}
