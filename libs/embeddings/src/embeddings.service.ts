import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { MODEL_NAME_SCHEMA, compileValidator, countTextTokens } from '@switchyard/chat';
import { formatCredits, InvalidRequestError, sendJsonList } from '@switchyard/core';
import type { Request, Response } from 'express';
import type { EmbeddingCreateParams } from 'openai/resources/embeddings';
import { MeteredUpstreamService } from './metered-upstream.service.js';

const validate = compileValidator<EmbeddingCreateParams>({
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model: MODEL_NAME_SCHEMA,
    input: {
      anyOf: [
        { type: 'string' },
        { type: 'array', minItems: 1, maxItems: 2048, items: { type: 'string' } },
        { type: 'array', minItems: 1, items: { type: 'integer' } },
        {
          type: 'array',
          minItems: 1,
          maxItems: 2048,
          items: { type: 'array', minItems: 1, items: { type: 'integer' } },
        },
      ],
    },
    dimensions: { type: 'integer', minimum: 1, maximum: 65536 },
    encoding_format: { enum: ['float', 'base64'] },
    user: { type: 'string' },
  },
});

async function inputTokens(input: EmbeddingCreateParams['input']): Promise<number> {
  if (typeof input === 'string') return countTextTokens(input);
  let total = 0;
  for (const item of input)
    total += typeof item === 'string' ? await countTextTokens(item) : Array.isArray(item) ? item.length : 1;
  return total;
}

/** Answers whose embeddings are about this much JSON or more are written one embedding at a time. */
const STREAM_ABOVE_BYTES = 1024 * 1024;

/** About how much JSON the embeddings make: ~20 characters a float, a base64 string as it is. */
function approximateJsonBytes(data: unknown): number {
  if (!Array.isArray(data)) return 0;
  let bytes = 0;
  for (const item of data as Array<{ embedding?: unknown } | null>) {
    const embedding = item?.embedding;
    if (Array.isArray(embedding)) bytes += embedding.length * 20;
    else if (typeof embedding === 'string') bytes += embedding.length;
  }
  return bytes;
}

/** POST /v1/embeddings: strings, arrays of strings, token arrays; `dimensions`, `encoding_format`. */
@Injectable()
export class EmbeddingsService {
  constructor(private readonly upstream: MeteredUpstreamService) {}

  async create(caller: Caller, raw: unknown, req: Request, res: Response): Promise<void> {
    const body = validate(raw);
    if (typeof body.input === 'string' && body.input.length === 0) {
      throw new InvalidRequestError("'input' must not be empty.", { param: 'input', code: 'invalid_value' });
    }
    const tokens = await inputTokens(body.input);
    const { answer, target, cost } = await this.upstream.serve(caller, req, res, {
      operation: 'embeddings',
      model: body.model,
      worst: { promptTokens: tokens },
      unsupported: 'does not create embeddings',
      call: (a, opts) =>
        a.adapter.embeddings?.({ ...body, model: a.target.upstreamModel }, a.credentials, opts),
      usage: (answer) => ({ inputTokens: answer.usage?.prompt_tokens ?? tokens, outputTokens: 0 }),
    });
    answer.model = target.id;
    const reported = answer.usage ?? { prompt_tokens: tokens, total_tokens: tokens };
    const sent = { ...answer, usage: { ...reported, cost: formatCredits(cost) } };
    // A large answer goes out an embedding at a time (up to 2,048 of 65,536 floats each could be
    // gigabytes of JSON as one string); a small one in one write, with its Content-Length.
    if (approximateJsonBytes(answer.data) > STREAM_ABOVE_BYTES) await sendJsonList(res, sent, 'data');
    else res.status(200).json(sent);
  }
}
