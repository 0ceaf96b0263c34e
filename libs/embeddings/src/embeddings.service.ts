import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { MODEL_NAME_SCHEMA, compileValidator, countTextTokens } from '@switchyard/chat';
import { formatCredits, InvalidRequestError } from '@switchyard/core';
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
    res.status(200).json({ ...answer, usage: { ...reported, cost: formatCredits(cost) } });
  }
}
