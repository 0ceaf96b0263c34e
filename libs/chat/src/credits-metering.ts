import { Injectable } from '@nestjs/common';
import { CallMetering } from '@switchyard/credits';
import type { Metering, MeteringHandle, MeteringRequest } from './metering.js';

/**
 * Credits for token-priced /v1 calls (chat, completions, embeddings): the worst case on a
 * target is the prompt plus the requested (or the model's) maximum output.
 */
@Injectable()
export class CreditsMetering implements Metering {
  constructor(private readonly metering: CallMetering) {}

  reserve(request: MeteringRequest): Promise<MeteringHandle> {
    return this.metering.reserve({
      caller: request.caller,
      requestId: request.requestId,
      endpoint: request.endpoint,
      targets: request.targets,
      worst: (target) => {
        const modelMax = target.model.maxOutputTokens;
        const asked = request.maxOutputTokens;
        const maxOutputTokens =
          asked === undefined ? modelMax : modelMax > 0 ? Math.min(asked, modelMax) : asked;
        return { promptTokens: request.promptTokens, maxOutputTokens };
      },
    });
  }
}
