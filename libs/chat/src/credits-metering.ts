import { Injectable } from '@nestjs/common';
import { CallMetering, type CacheHitCall, type MeteredCall } from '@switchyard/credits';
import type { ResolvedModel } from '@switchyard/providers';
import type { Metering, MeteringHandle, MeteringRequest } from './metering.js';

/** The most output a call may produce on a target: what it asked for, within the model's maximum. */
function outputBound(target: ResolvedModel, asked: number | undefined): number {
  const modelMax = target.model.maxOutputTokens;
  return asked === undefined ? modelMax : modelMax > 0 ? Math.min(asked, modelMax) : asked;
}

/**
 * Credits for token-priced /v1 calls (chat, completions, embeddings) and reranks: the worst case
 * on a target is the prompt plus the requested (or the model's) maximum output, plus any search
 * units.
 */
@Injectable()
export class CreditsMetering implements Metering {
  constructor(private readonly metering: CallMetering) {}

  reserve(request: MeteringRequest): Promise<MeteringHandle> {
    return this.metering.reserve(this.call(request));
  }

  begin(request: MeteringRequest): { handle: Promise<MeteringHandle>; early: boolean } {
    const { meter, early } = this.metering.begin(this.call(request));
    return { handle: meter, early };
  }

  cacheHit(hit: CacheHitCall): Promise<bigint> {
    return this.metering.settleCacheHit(hit);
  }

  private call(request: MeteringRequest): MeteredCall {
    const parts = request.steps?.map((step) => ({
      targets: step.targets,
      worst: (target: ResolvedModel) => ({
        promptTokens: step.promptTokens,
        maxOutputTokens: outputBound(target, step.maxOutputTokens),
        ...(step.images ? { images: step.images } : {}),
        ...(step.characters ? { characters: step.characters } : {}),
      }),
    }));
    return {
      ...(parts ? { parts } : {}),
      ...(request.fees ? { fees: request.fees } : {}),
      ...(request.paidBeforeAnswer ? { paidBeforeAnswer: true } : {}),
      caller: request.caller,
      requestId: request.requestId,
      endpoint: request.endpoint,
      targets: request.targets,
      worst: (target) => {
        const maxOutputTokens = outputBound(target, request.maxOutputTokens);
        const n = request.choices ?? 1;
        const choices = Number.isFinite(n) ? Math.min(128, Math.max(1, Math.floor(n))) : 1;
        return {
          promptTokens: request.promptTokens,
          maxOutputTokens: maxOutputTokens * choices,
          ...(request.cacheWrite ? { cacheWrite: request.cacheWrite } : {}),
          ...(request.searchUnits ? { searchUnits: request.searchUnits } : {}),
        };
      },
    };
  }
}
