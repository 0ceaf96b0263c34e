import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { CallMetering, type Usage, type WorstCaseInput } from '@switchyard/credits';
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

/**
 * Credits for images and audio: their worst case is counted in images, characters or seconds
 * rather than tokens; the reservation, charge and usage record are the shared ones.
 */
@Injectable()
export class MediaMetering {
  constructor(private readonly metering: CallMetering) {}

  async reserve(request: MediaReservation): Promise<MediaMeter> {
    const meter = await this.metering.reserve({ ...request, worst: () => request.worst });
    return {
      settle: (target, usage, latencyMs) => meter.settle(target, usage, { status: 'ok', latencyMs }),
      release: (errorClass) => meter.release(errorClass),
    };
  }
}
