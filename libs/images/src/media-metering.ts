import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import {
  CreditsService,
  UsageRecorder,
  estimateWorstCase,
  priceUsage,
  type Usage,
  type WorstCaseInput,
} from '@switchyard/credits';
import type { ResolvedModel } from '@switchyard/providers';

/** What a media call may use at most (images, audio seconds, characters, tokens). */
export interface MediaReservation {
  caller: Caller;
  requestId: string;
  /** e.g. `images.generations`, `audio.speech`. */
  endpoint: string;
  targets: readonly ResolvedModel[];
  worst: WorstCaseInput;
}

/** A reservation in progress for a media call. */
export interface MediaMeter {
  /** Charges the actual usage on the model that served; returns micro-credits. */
  settle(target: ResolvedModel, usage: Usage, latencyMs: number): Promise<bigint>;
  /** Releases everything: the call failed. */
  release(errorClass?: string): Promise<void>;
}

function tokens(value: number | bigint | undefined): number {
  return value === undefined ? 0 : Number(value);
}

/**
 * Credits for images and audio: the chat metering reserves tokens only, so media calls reserve
 * their own worst case (n images, characters, seconds) on the dearest target, charge what the
 * serving model's catalog prices say, and write a usage record like every /v1 call.
 */
@Injectable()
export class MediaMetering {
  constructor(
    private readonly credits: CreditsService,
    private readonly usage: UsageRecorder,
  ) {}

  async reserve(request: MediaReservation): Promise<MediaMeter> {
    const { caller, requestId, endpoint, targets, worst } = request;
    const markup = await this.credits.markupFor(caller.tenantId);
    const amount = targets.reduce((max, t) => {
      const cost = estimateWorstCase(t.model.pricing, worst, markup);
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
      settle: async (target, usage, latencyMs) => {
        const cost = priceUsage(target.model.pricing, usage, markup);
        const inputTokens = tokens(usage.inputTokens);
        const outputTokens = tokens(usage.outputTokens);
        const charged = await this.credits.settle(reservation, cost, {
          model: target.id,
          provider: target.provider.id,
          usage: { inputTokens, outputTokens },
          status: 'ok',
        });
        this.usage.record({
          ...base,
          provider: target.provider.id,
          model: target.id,
          inputTokens,
          outputTokens,
          cost: charged,
          latencyMs,
          status: 'ok',
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
