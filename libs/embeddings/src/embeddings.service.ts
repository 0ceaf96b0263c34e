import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import {
  METERING,
  MODEL_NAME_SCHEMA,
  callContextFor,
  compileValidator,
  countTextTokens,
  type Metering,
} from '@switchyard/chat';
import { formatCredits, InvalidRequestError } from '@switchyard/core';
import { ProviderError } from '@switchyard/providers';
import { TargetPlanner, UpstreamExecutor, scopeFor } from '@switchyard/routing';
import type { Request, Response } from 'express';
import type { EmbeddingCreateParams } from 'openai/resources/embeddings';

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
  constructor(
    private readonly planner: TargetPlanner,
    private readonly executor: UpstreamExecutor,
    @Inject(METERING) private readonly metering: Metering,
  ) {}

  async create(caller: Caller, raw: unknown, req: Request, res: Response): Promise<void> {
    const body = validate(raw);
    if (typeof body.input === 'string' && body.input.length === 0) {
      throw new InvalidRequestError("'input' must not be empty.", { param: 'input', code: 'invalid_value' });
    }
    const context = callContextFor(caller, req, res);
    const targets = this.planner.plan(
      caller,
      [body.model],
      { operation: 'embeddings' },
      scopeFor(caller, context),
    );
    const tokens = await inputTokens(body.input);
    const started = Date.now();
    const meter = await this.metering.reserve({
      caller,
      requestId: context.requestId,
      endpoint: 'embeddings',
      targets,
      promptTokens: tokens,
      maxOutputTokens: 0,
    });
    let served;
    try {
      served = await this.executor.execute(targets, context, (a) => {
        if (!a.adapter.embeddings) {
          throw new ProviderError('bad_request', `${a.target.id} does not create embeddings.`, {
            provider: a.target.provider.id,
            param: 'model',
          });
        }
        return a.adapter.embeddings({ ...body, model: a.target.upstreamModel }, a.credentials, {
          signal: a.signal,
          timeoutMs: a.target.timeoutMs,
          requestId: context.requestId,
          provider: a.target.provider.id,
        });
      });
    } catch (err) {
      await meter.release(err instanceof ProviderError ? err.kind : 'failed');
      throw err;
    }
    const answer = served.value;
    answer.model = served.target.id;
    const usage = { inputTokens: answer.usage?.prompt_tokens ?? tokens, outputTokens: 0 };
    const cost = await meter.settle(served.target, usage, { status: 'ok', latencyMs: Date.now() - started });
    const reported = answer.usage ?? { prompt_tokens: usage.inputTokens, total_tokens: usage.inputTokens };
    const withCost = { ...answer, usage: { ...reported, cost: formatCredits(cost) } };
    res.set({
      'x-switchyard-provider': served.target.provider.id,
      'x-switchyard-model': served.target.id,
      'x-switchyard-cost': formatCredits(cost),
    });
    res.status(200).json(withCost);
  }
}
