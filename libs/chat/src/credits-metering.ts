import { Injectable } from '@nestjs/common';
import { CreditsService, UsageRecorder, estimateWorstCase, priceUsage } from '@switchyard/credits';
import type { ResolvedModel } from '@switchyard/providers';
import type { Metering, MeteringHandle, MeteringRequest } from './metering.js';

/**
 * Credits for /v1 calls: before the upstream call, reserve the worst case (prompt tokens plus
 * max output, on the dearest model the call may fail over to, at the tenant's markup) in one
 * round trip; after it, charge the actual usage on the model that served and release the rest;
 * on failure release everything. Usage records are written in batches, off the response path.
 */
@Injectable()
export class CreditsMetering implements Metering {
  constructor(
    private readonly credits: CreditsService,
    private readonly usage: UsageRecorder,
  ) {}

  async reserve(request: MeteringRequest): Promise<MeteringHandle> {
    const { caller, requestId, endpoint, targets, promptTokens } = request;
    const markup = await this.credits.markupFor(caller.tenantId);
    const worst = (target: ResolvedModel) => {
      const modelMax = target.model.maxOutputTokens;
      const asked = request.maxOutputTokens;
      const maxOutputTokens =
        asked === undefined ? modelMax : modelMax > 0 ? Math.min(asked, modelMax) : asked;
      return estimateWorstCase(target.model.pricing, { promptTokens, maxOutputTokens }, markup);
    };
    const amount = targets.reduce((max, t) => {
      const cost = worst(t);
      return cost > max ? cost : max;
    }, 0n);
    const reservation = await this.credits.reserve({
      tenantId: caller.tenantId,
      userId: caller.userId,
      apiKeyId: caller.apiKey?.id,
      requestId,
      amount,
      model: targets[0]?.id,
    });
    const base = {
      requestId,
      tenantId: caller.tenantId,
      userId: caller.userId,
      apiKeyId: caller.apiKey?.id,
      endpoint,
    };
    return {
      settle: async (target, usage, outcome) => {
        const cost = priceUsage(target.model.pricing, usage, markup);
        const charged = await this.credits.settle(reservation, cost, {
          model: target.id,
          provider: target.provider.id,
          usage,
          status: outcome.status,
        });
        this.usage.record({
          ...base,
          provider: target.provider.id,
          model: target.id,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          cachedInputTokens: usage.cachedInputTokens,
          cost: charged,
          latencyMs: outcome.latencyMs,
          ttftMs: outcome.ttftMs,
          status: outcome.status,
          errorClass: outcome.errorClass,
        });
        return charged;
      },
      release: async (errorClass) => {
        await this.credits.release(reservation);
        const target = targets[0]!;
        this.usage.record({
          ...base,
          provider: target.provider.id,
          model: target.id,
          inputTokens: 0,
          outputTokens: 0,
          cost: 0n,
          latencyMs: 0,
          status: 'error',
          errorClass,
        });
      },
    };
  }
}
