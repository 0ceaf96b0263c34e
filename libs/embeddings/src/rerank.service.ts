import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { MODEL_NAME_SCHEMA, compileValidator } from '@switchyard/chat';
import { formatCredits, InvalidRequestError } from '@switchyard/core';
import { searchUnitsFor } from '@switchyard/credits';
import type { Request, Response } from 'express';
import { MeteredUpstreamService } from './metered-upstream.service.js';

/** The most documents one rerank may send (Cohere's limit; 1,000 is 10 search units at most). */
export const MAX_RERANK_DOCUMENTS = 1000;

type RerankDocument = string | { text: string; [field: string]: unknown };

/** POST /v1/rerank: the Cohere / Jina body. */
export interface RerankBody {
  model: string;
  query: string;
  documents: RerankDocument[];
  top_n?: number;
  return_documents?: boolean;
}

const validate = compileValidator<RerankBody>({
  type: 'object',
  required: ['model', 'query', 'documents'],
  properties: {
    model: MODEL_NAME_SCHEMA,
    query: { type: 'string', minLength: 1 },
    documents: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_RERANK_DOCUMENTS,
      items: {
        anyOf: [
          { type: 'string' },
          { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
        ],
      },
    },
    top_n: { type: 'integer', minimum: 1 },
    return_documents: { type: 'boolean' },
  },
});

/**
 * POST /v1/rerank: documents ordered by relevance to a query, through the same planning,
 * reservation (ceil(documents / 100) search units at the dearest target's `perSearch`), key and
 * target failover, settlement and usage record as /v1/embeddings.
 */
@Injectable()
export class RerankService {
  constructor(private readonly upstream: MeteredUpstreamService) {}

  async create(caller: Caller, raw: unknown, req: Request, res: Response): Promise<void> {
    const body = validate(raw);
    if (body.query.trim() === '') {
      throw new InvalidRequestError("'query' must not be blank.", { param: 'query', code: 'invalid_value' });
    }
    const texts = body.documents.map((d) => (typeof d === 'string' ? d : d.text));
    const topN = body.top_n === undefined ? undefined : Math.min(body.top_n, texts.length);
    const { answer, target, cost } = await this.upstream.serve(caller, req, res, {
      operation: 'rerank',
      model: body.model,
      worst: { promptTokens: 0, searchUnits: searchUnitsFor(texts.length) },
      unsupported: 'does not rerank',
      call: (a, opts) =>
        a.adapter.rerank?.(
          {
            model: a.target.upstreamModel,
            query: body.query,
            documents: texts,
            ...(topN !== undefined ? { top_n: topN } : {}),
          },
          a.credentials,
          opts,
        ),
      usage: (answer) => ({ inputTokens: 0, outputTokens: 0, searchUnits: answer.searchUnits }),
    });
    const results = answer.results.slice(0, topN).map((r) => ({
      index: r.index,
      relevance_score: r.relevance_score,
      ...(body.return_documents ? { document: documentOf(body.documents[r.index]!) } : {}),
    }));
    res.status(200).json({
      id: answer.id,
      model: target.id,
      results,
      usage: { search_units: answer.searchUnits, cost: formatCredits(cost) },
    });
  }
}

/** A returned document: the caller's object as sent, a string as `{text}` (Cohere's and Jina's shape). */
function documentOf(document: RerankDocument): Record<string, unknown> {
  return typeof document === 'string' ? { text: document } : document;
}
