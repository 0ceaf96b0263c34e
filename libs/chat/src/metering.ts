import type { Caller } from '@switchyard/auth';
import type { CacheHitCall, CacheTtl } from '@switchyard/credits';
import type { ResolvedModel } from '@switchyard/providers';

/** Tokens a call used, as the provider reported them or as we counted them. */
export interface MeteredUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  /** Prompt tokens written to the provider's cache (part of `inputTokens`), and the 1-hour part of them. */
  cacheWriteTokens?: number;
  cacheWrite1hTokens?: number;
  /** An orchestrated media step: images drawn, characters read aloud. */
  images?: number;
  characters?: number;
  /** Rerank search units the provider billed. */
  searchUnits?: number;
}

/** What a call's worst case is, for the reservation before the upstream call. */
export interface MeteringRequest {
  caller: Caller;
  requestId: string;
  endpoint: string;
  /** Every model the call may end up on (failover); the reservation covers the dearest. */
  targets: readonly ResolvedModel[];
  promptTokens: number;
  /** The request's max output tokens, or undefined for the model's maximum. */
  maxOutputTokens?: number;
  /** Answers asked for (`n`): each may use the whole output budget. */
  choices?: number;
  /** The request marks blocks for prompt caching, with this longest TTL (writes cost more than input). */
  cacheWrite?: CacheTtl;
  /**
   * An orchestrated call: the upstream calls of its plan. The reservation is then the sum of each
   * step's worst case on its dearest target (`targets`, `promptTokens` and `maxOutputTokens`
   * above only name the call).
   */
  steps?: readonly MeteredStepBound[];
  /** Flat charges the call may add besides tokens (web searches at SEARCH_PRICE), at most. */
  fees?: bigint;
  /** Rerank search units the call may be billed, at most (priced at the model's `perSearch`). */
  searchUnits?: number;
  /**
   * The answer goes out whole, only after its settlement (not a stream): with ample headroom
   * the call may hold nothing and be charged once its answer is in (decision 0030), so its
   * settlement may be refused with a 402.
   */
  paidBeforeAnswer?: boolean;
}

/** The worst case of one step of a plan. */
export interface MeteredStepBound {
  targets: readonly ResolvedModel[];
  promptTokens: number;
  /** The step's max output tokens, or undefined for the model's maximum. */
  maxOutputTokens?: number;
  /** A media step: images it may produce, characters it may read. */
  images?: number;
  characters?: number;
}

/** One step of an orchestrated call as it ran, for {@link MeteringHandle.settleSteps}. */
export interface MeteredStep {
  target: ResolvedModel;
  usage: MeteredUsage;
  outcome: { status: 'ok' | 'error' | 'aborted'; latencyMs: number; ttftMs?: number; errorClass?: string };
}

/** A flat-priced part of an orchestrated call (one web search): a line of its settlement and a usage record. */
export interface MeteredFee {
  /** The usage record's provider and model (`simulator`, `simulator/web-search`). */
  provider: string;
  model: string;
  /** Micro-credits (0 for a search that failed). */
  amount: bigint;
  outcome: { status: 'ok' | 'error'; latencyMs: number; errorClass?: string };
}

/** A reservation in progress: settled with the actual usage, or released on failure. */
export interface MeteringHandle {
  /** Charges the actual usage on the model that served (never more than reserved); returns micro-credits. */
  settle(
    target: ResolvedModel,
    usage: MeteredUsage,
    outcome: { status: 'ok' | 'error' | 'aborted'; latencyMs: number; ttftMs?: number; errorClass?: string },
  ): Promise<bigint>;
  /** Releases everything: the call failed before delivering anything. */
  release(errorClass?: string): Promise<void>;
  /**
   * Charges the steps of an orchestrated call against the one reservation, in one settlement
   * (their sum, capped at what was reserved), with one usage record per step. Returns each step's
   * charge and the total.
   */
  settleSteps(
    steps: readonly MeteredStep[],
    fees?: readonly MeteredFee[],
  ): Promise<{ total: bigint; costs: bigint[]; feeCosts: bigint[] }>;
}

/** Reserves and settles credits for /v1 calls. The credits lib provides the real one. */
export interface Metering {
  reserve(request: MeteringRequest): Promise<MeteringHandle>;
  /**
   * Starts the reservation; `early` says the upstream call may start before it commits (the
   * payer has ample headroom). Nothing may reach the client before `handle` resolves.
   */
  begin(request: MeteringRequest): { handle: Promise<MeteringHandle>; early: boolean };
  /**
   * A call answered from the response cache: charged its price in one entry (no reservation),
   * with a usage record marked as a cache hit. Returns the micro-credits charged.
   */
  cacheHit(hit: CacheHitCall): Promise<bigint>;
}

export const METERING = Symbol('METERING');

/** No charging at all (used until a credits implementation is registered). */
const FREE_HANDLE: MeteringHandle = {
  settle: async () => 0n,
  release: async () => undefined,
  settleSteps: async (steps, fees = []) => ({
    total: 0n,
    costs: steps.map(() => 0n),
    feeCosts: fees.map(() => 0n),
  }),
};
export const FREE_METERING: Metering = {
  reserve: async () => FREE_HANDLE,
  begin: () => ({ handle: Promise.resolve(FREE_HANDLE), early: true }),
  cacheHit: async () => 0n,
};
