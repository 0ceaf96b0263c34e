import type { ReplyPlan } from './conversation.types.js';
import { parseCohereChat } from './cohere.parser.js';
import { DEFAULT_OPENAI_DIMENSIONS, MAX_DIMENSIONS, embedText } from './embedding.util.js';
import type { Exchange } from './exchange.types.js';
import { badRequest } from './bad-request.util.js';
import { sendResult } from './http.util.js';
import { asArray, asNumber, asRecord, asString, type JsonObject } from './json.util.js';
import { planReply, splitArguments, splitWords } from './reply.engine.js';
import { sendSse, type SseFrame } from './sse.writer.js';
import { countTokens } from './tokens.util.js';

const FINISH: Record<ReplyPlan['finish'], string> = {
  stop: 'COMPLETE',
  stop_sequence: 'STOP_SEQUENCE',
  length: 'MAX_TOKENS',
  tool_calls: 'TOOL_CALL',
};

const INPUT_TYPES = new Set(['search_document', 'search_query', 'classification', 'clustering']);

function usage(input: number, output: number): JsonObject {
  const counts = { input_tokens: input, output_tokens: output };
  return { billed_units: counts, tokens: counts };
}

function toolPlan(plan: ReplyPlan): string {
  return `I will call ${plan.toolCall?.name ?? 'a tool'}.`;
}

function event(type: string, data: JsonObject): SseFrame {
  return { event: type, data: JSON.stringify({ type, ...data }) };
}

async function chat(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  if (asArray(body.messages).length === 0)
    return badRequest(ex, 'invalid request: messages must not be empty.');
  const plan = planReply(parseCohereChat(body));
  const id = `sim-${ex.seq}`;
  const callId = `sim_call_${ex.seq}`;
  const finish = FINISH[plan.finish];
  if (body.stream !== true) {
    const message: JsonObject = plan.toolCall
      ? {
          role: 'assistant',
          tool_plan: toolPlan(plan),
          tool_calls: [
            {
              id: callId,
              type: 'function',
              function: { name: plan.toolCall.name, arguments: plan.toolCall.argsJson },
            },
          ],
        }
      : { role: 'assistant', content: [{ type: 'text', text: plan.text }] };
    return sendResult(ex, {
      id,
      finish_reason: finish,
      message,
      usage: usage(plan.promptTokens, plan.completionTokens),
    });
  }
  const frames: SseFrame[] = [
    event('message-start', {
      id,
      delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } },
    }),
  ];
  if (plan.toolCall) {
    frames.push(event('tool-plan-delta', { delta: { message: { tool_plan: toolPlan(plan) } } }));
    const call = { id: callId, type: 'function', function: { name: plan.toolCall.name, arguments: '' } };
    frames.push(event('tool-call-start', { index: 0, delta: { message: { tool_calls: call } } }));
    for (const piece of splitArguments(plan.toolCall.argsJson)) {
      frames.push(
        event('tool-call-delta', {
          index: 0,
          delta: { message: { tool_calls: { function: { arguments: piece } } } },
        }),
      );
    }
    frames.push(event('tool-call-end', { index: 0 }));
  } else {
    frames.push(
      event('content-start', { index: 0, delta: { message: { content: { type: 'text', text: '' } } } }),
    );
    for (const word of splitWords(plan.text)) {
      frames.push(event('content-delta', { index: 0, delta: { message: { content: { text: word } } } }));
    }
    frames.push(event('content-end', { index: 0 }));
  }
  frames.push(
    event('message-end', {
      delta: { finish_reason: finish, usage: usage(plan.promptTokens, plan.completionTokens) },
    }),
  );
  return sendSse(ex, frames);
}

async function embed(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  const texts = asArray(body.texts);
  if (texts.length === 0 || texts.length > 96 || !texts.every((t): t is string => typeof t === 'string')) {
    return badRequest(ex, 'invalid request: texts must be a list of 1 to 96 strings.');
  }
  const inputType = asString(body.input_type);
  if (inputType === null || !INPUT_TYPES.has(inputType)) {
    return badRequest(ex, 'invalid request: input_type is required for embed models v3 and higher.');
  }
  const dimensions = Math.floor(asNumber(body.output_dimension) ?? DEFAULT_OPENAI_DIMENSIONS);
  if (dimensions < 1 || dimensions > MAX_DIMENSIONS)
    return badRequest(ex, 'invalid request: output_dimension.');
  const tokens = texts.reduce((sum, text) => sum + countTokens(text), 0);
  sendResult(ex, {
    id: `sim-${ex.seq}`,
    embeddings: { float: texts.map((text) => Array.from(embedText(text, dimensions))) },
    texts,
    meta: { api_version: { version: '2' }, billed_units: { input_tokens: tokens } },
    response_type: 'embeddings_by_type',
  });
}

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** The share of the query's words a document contains (0..1), a deterministic stand-in for relevance. */
function relevance(query: Set<string>, document: string): number {
  if (query.size === 0) return 0;
  // Walks the document's words, not the query's: a long query costs once, not once per document.
  let shared = 0;
  for (const word of words(document)) if (query.has(word)) shared++;
  return Math.round((shared / query.size) * 1e6) / 1e6;
}

async function rerank(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  const query = asString(body.query);
  const documents = asArray(body.documents).map((d) =>
    typeof d === 'string' ? d : asString(asRecord(d).text),
  );
  if (query === null || query === '') return badRequest(ex, 'invalid request: query must not be empty.');
  if (documents.length === 0 || documents.some((d) => d === null)) {
    return badRequest(ex, 'invalid request: documents must be a non-empty list of strings.');
  }
  const topN = Math.floor(asNumber(body.top_n) ?? documents.length);
  const terms = words(query);
  const results = documents
    .map((doc, index) => ({ index, relevance_score: relevance(terms, doc ?? '') }))
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    .slice(0, Math.max(1, topN));
  sendResult(ex, {
    id: `sim-${ex.seq}`,
    results,
    meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } },
  });
}

/** POST /v2/chat (stream too), /v2/embed, /v2/rerank: Cohere's v2 API. */
export const COHERE_POST = {
  '/v2/chat': chat,
  '/v2/embed': embed,
  '/v2/rerank': rerank,
} as const satisfies Record<string, (ex: Exchange) => Promise<void>>;
