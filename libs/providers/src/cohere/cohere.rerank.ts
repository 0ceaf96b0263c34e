import type { RerankParams, RerankResponse } from '../rerank.types.js';

/** Cohere's `/v2/rerank` answer, as far as the adapter reads it. */
export interface CohereRerankResponse {
  id?: string;
  results?: Array<{ index?: unknown; relevance_score?: unknown }>;
  meta?: { billed_units?: { search_units?: number } };
}

/** Cohere bills one search unit per query over up to this many documents. */
const DOCUMENTS_PER_UNIT = 100;

/** The `/v2/rerank` body: Cohere's v2 takes plain texts (objects were flattened by the gateway). */
export function cohereRerankRequest(body: RerankParams): Record<string, unknown> {
  return {
    model: body.model,
    query: body.query,
    documents: body.documents,
    ...(body.top_n !== undefined ? { top_n: body.top_n } : {}),
  };
}

/**
 * Cohere's answer checked and mapped: every result names a document of the request and has a
 * numeric score (else SyntaxError, classified as `network` like a malformed body); results are
 * most relevant first. Billed units are Cohere's, or ceil(documents / 100) when it reports none.
 */
export function toRerankResponse(answer: CohereRerankResponse, body: RerankParams): RerankResponse {
  const count = body.documents.length;
  if (!Array.isArray(answer.results)) throw new SyntaxError('rerank response without results');
  const results = answer.results.map((r) => {
    const { index, relevance_score: score } = r;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) {
      throw new SyntaxError('rerank result names no document of the request');
    }
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      throw new SyntaxError('rerank result without a relevance score');
    }
    return { index, relevance_score: score };
  });
  results.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
  const billed = answer.meta?.billed_units?.search_units;
  const searchUnits =
    typeof billed === 'number' && Number.isInteger(billed) && billed >= 0
      ? billed
      : Math.max(1, Math.ceil(count / DOCUMENTS_PER_UNIT));
  return {
    id: typeof answer.id === 'string' && answer.id ? answer.id : `rerank-${Date.now().toString(36)}`,
    results: body.top_n !== undefined ? results.slice(0, body.top_n) : results,
    searchUnits,
  };
}
