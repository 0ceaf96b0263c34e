import type { ReplyPlan } from './conversation.types.js';
import { DEFAULT_GEMINI_DIMENSIONS, MAX_DIMENSIONS, embedText } from './embedding.util.js';
import type { Exchange } from './exchange.types.js';
import { badRequest } from './bad-request.util.js';
import { parseGeminiRequest, geminiContentText } from './gemini.parser.js';
import { sendResult } from './http.util.js';
import { asArray, asNumber, asRecord, type JsonObject } from './json.util.js';
import { planReply, splitWords } from './reply.engine.js';
import { sendSse, type SseFrame } from './sse.writer.js';
import { countPromptTokens, countTokens as tokensIn } from './tokens.util.js';

/** Gemini task names after the colon in `/v1beta/models/{model}:{task}`. */
export type GeminiTask =
  'generateContent' | 'streamGenerateContent' | 'embedContent' | 'batchEmbedContents' | 'countTokens';

function usageMetadata(plan: ReplyPlan, n: number, thought: string | null = null): JsonObject {
  const candidates = plan.completionTokens * n;
  const thoughts = thought === null ? 0 : tokensIn(thought) * n;
  return {
    promptTokenCount: plan.promptTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: plan.promptTokens + candidates + thoughts,
    ...(thought === null ? {} : { thoughtsTokenCount: thoughts }),
  };
}

/** The thought summary a thinking model shows when asked (`thinkingConfig.includeThoughts`). */
function thoughtFor(body: JsonObject, lastUserText: string): string | null {
  const config = asRecord(asRecord(body.generationConfig).thinkingConfig);
  if (config.includeThoughts !== true || config.thinkingBudget === 0) return null;
  return `Thinking about: ${lastUserText || 'the conversation'}`;
}

function finishReason(plan: ReplyPlan): string {
  return plan.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
}

function replyParts(plan: ReplyPlan): JsonObject[] {
  if (plan.toolCall) return [{ functionCall: { name: plan.toolCall.name, args: plan.toolCall.args } }];
  return [{ text: plan.text }];
}

function candidates(n: number, parts: JsonObject[], finish: string | null): JsonObject[] {
  return Array.from({ length: n }, (_, index) => ({
    content: { role: 'model', parts },
    ...(finish === null ? {} : { finishReason: finish }),
    index,
  }));
}

/** Gemini's answer to a blocked prompt: 200, no candidates, a promptFeedback block reason. */
function blockedResponse(ex: Exchange, plan: ReplyPlan): JsonObject {
  return {
    promptFeedback: {
      blockReason: 'SAFETY',
      safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }],
    },
    usageMetadata: { promptTokenCount: plan.promptTokens, totalTokenCount: plan.promptTokens },
    modelVersion: ex.model,
  };
}

async function generate(ex: Exchange, stream: boolean): Promise<void> {
  const body = asRecord(ex.body);
  if (asArray(body.contents).length === 0) {
    return badRequest(ex, '* GenerateContentRequest.contents: contents is not specified');
  }
  const conversation = parseGeminiRequest(body);
  const plan = planReply(conversation);
  const thought = thoughtFor(body, conversation.lastUserText);
  const thoughtParts = thought === null ? [] : [{ text: thought, thought: true }];
  const n = Math.max(1, Math.floor(asNumber(asRecord(body.generationConfig).candidateCount) ?? 1));
  const meta = { modelVersion: ex.model, responseId: `sim-${ex.seq}` };
  const blocked = ex.fault.errorKind === 'content_filter';
  if (!stream) {
    if (blocked) return sendResult(ex, blockedResponse(ex, plan));
    const response = {
      candidates: candidates(n, [...thoughtParts, ...replyParts(plan)], finishReason(plan)),
      usageMetadata: usageMetadata(plan, n, thought),
    };
    return sendResult(ex, { ...response, ...meta });
  }
  const frames: SseFrame[] = [];
  // Thoughts stream first, in a frame of their own.
  if (thought !== null && !blocked) {
    frames.push({ data: JSON.stringify({ candidates: candidates(n, thoughtParts, null), ...meta }) });
  }
  if (blocked) {
    frames.push({ data: JSON.stringify(blockedResponse(ex, plan)) });
  } else if (plan.toolCall) {
    // Gemini never splits a function call across chunks.
    const final = {
      candidates: candidates(n, replyParts(plan), finishReason(plan)),
      usageMetadata: usageMetadata(plan, n, thought),
    };
    frames.push({ data: JSON.stringify({ ...final, ...meta }) });
  } else {
    const words = splitWords(plan.text);
    if (words.length === 0) words.push('');
    words.forEach((word, i) => {
      const last = i === words.length - 1;
      const chunk = {
        candidates: candidates(n, [{ text: word }], last ? finishReason(plan) : null),
        ...(last ? { usageMetadata: usageMetadata(plan, n, thought) } : {}),
        ...meta,
      };
      frames.push({ data: JSON.stringify(chunk) });
    });
  }
  return sendSse(ex, frames, '\r\n');
}

function dimensionsOf(request: JsonObject): number | null {
  const d = Math.floor(asNumber(request.outputDimensionality) ?? DEFAULT_GEMINI_DIMENSIONS);
  return d >= 1 && d <= MAX_DIMENSIONS ? d : null;
}

async function embed(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  const dimensions = dimensionsOf(body);
  if (dimensions === null) return badRequest(ex, 'Invalid outputDimensionality.');
  const values = Array.from(embedText(geminiContentText(body.content), dimensions));
  sendResult(ex, { embedding: { values } });
}

async function batchEmbed(ex: Exchange): Promise<void> {
  const requests = asArray(asRecord(ex.body).requests).map(asRecord);
  if (requests.length === 0)
    return badRequest(ex, '* BatchEmbedContentsRequest.requests: requests is not specified');
  const embeddings: JsonObject[] = [];
  for (const request of requests) {
    const dimensions = dimensionsOf(request);
    if (dimensions === null) return badRequest(ex, 'Invalid outputDimensionality.');
    embeddings.push({ values: Array.from(embedText(geminiContentText(request.content), dimensions)) });
  }
  sendResult(ex, { embeddings });
}

async function countTokens(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  // The SDK sends either {contents} or the whole {generateContentRequest}.
  const request = body.generateContentRequest === undefined ? body : asRecord(body.generateContentRequest);
  sendResult(ex, { totalTokens: countPromptTokens(parseGeminiRequest(request).messageTexts) });
}

/** POST /v1beta/models/{model}:{task} (and the same under /v1). */
export async function handleGemini(ex: Exchange, task: GeminiTask): Promise<void> {
  switch (task) {
    case 'generateContent':
      return generate(ex, false);
    case 'streamGenerateContent':
      return generate(ex, true);
    case 'embedContent':
      return embed(ex);
    case 'batchEmbedContents':
      return batchEmbed(ex);
    case 'countTokens':
      return countTokens(ex);
  }
}
