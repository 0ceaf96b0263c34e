import { Injectable, Optional } from '@nestjs/common';
import { TPM_WINDOW_MS, tpmCounterKey } from '@switchyard/auth';
import { CounterStore, InsufficientCreditsError, NOOP_TELEMETRY, Telemetry } from '@switchyard/core';
import { ModelNotPricedError, unpricedFor, type ResolvedModel } from '@switchyard/providers';
import {
  estimateWorstCase,
  priceUsage,
  quantitiesUsed,
  type Usage,
  type WorstCaseInput,
} from '../pricing/pricing.js';
import { CreditsService } from './credits.service.js';
import type { UsageStatus } from '../entities/usage-record.entity.js';
import { UsageRecorder, type UsageRecordInput } from './usage-recorder.service.js';

/** One /v1 call to meter: who pays, which models it may end up on, and its worst case on each. */
export interface MeteredCall {
  caller: {
    tenantId: string;
    userId: string;
    apiKey?: { id: string; creditBudget?: bigint | null; tpm?: number | null };
  };
  requestId: string;
  /** e.g. `chat.completions`, `embeddings`, `images.generations`. */
  endpoint: string;
  /** Every model the call may fail over to; the reservation covers the dearest. */
  targets: readonly ResolvedModel[];
  /** The most the call may use on a target (tokens, images, seconds, characters). */
  worst: (target: ResolvedModel) => WorstCaseInput;
  /**
   * A call made of several upstream calls (an orchestration plan): each part may end on any of
   * its targets, and the reservation is the sum over the parts of each part's dearest target.
   * When set, `targets` and `worst` only name the call (the usage record of a release).
   */
  parts?: readonly MeteredPart[];
  /** Flat charges (web searches) the call may add besides its parts, at most: added to the reservation. */
  fees?: bigint;
  /**
   * Nothing of the answer reaches the client before the call is settled (a whole JSON answer,
   * not a stream): with ample headroom the call may then hold nothing and be charged once when
   * its answer is in (see `CallMetering.begin`).
   */
  paidBeforeAnswer?: boolean;
}

/** One upstream call of a multi-step call: the models it may end on and its worst case on each. */
export interface MeteredPart {
  targets: readonly ResolvedModel[];
  worst: (target: ResolvedModel) => WorstCaseInput;
}

/** One step of a multi-step call, as it ran: settled together with the others (see `settleSteps`). */
export interface SettledStep {
  target: ResolvedModel;
  usage: Usage;
  outcome: CallOutcome;
}

/** A flat-priced line of a multi-step call (one web search): no tokens, its own usage record. */
export interface SettledFee {
  provider: string;
  model: string;
  /** Micro-credits, not marked up (0: it failed and is not charged). */
  amount: bigint;
  outcome: CallOutcome;
}

export interface CallOutcome {
  status: UsageStatus;
  latencyMs: number;
  ttftMs?: number;
  errorClass?: string;
}

/** A reservation in progress: settled with the actual usage, or released on failure. */
export interface CallMeter {
  /** Charges the usage on the model that served (never more than reserved); returns micro-credits. */
  settle(target: ResolvedModel, usage: Usage, outcome: CallOutcome): Promise<bigint>;
  /** Releases everything: the call failed before delivering anything. */
  release(errorClass?: string): Promise<void>;
  /**
   * Charges several upstream calls against the one reservation in one ledger settlement (their
   * sum, never more than reserved) and writes one usage record per step; returns the charge of
   * each step (they add up to what was charged) and the total. `fees` (web searches) are lines of
   * the same settlement, each with its usage record (`feeCosts`).
   */
  settleSteps(
    steps: readonly SettledStep[],
    fees?: readonly SettledFee[],
  ): Promise<{ total: bigint; costs: bigint[]; feeCosts: bigint[] }>;
}

/** The usage-record `error_class` of a call answered from the response cache (its status is `ok`). */
export const CACHE_HIT_CLASS = 'cache_hit';

/**
 * The usage-record `error_class` of a call that held nothing and whose charge was refused when its
 * answer was in (decision 0030): it ran upstream, and the caller got a 402 and was charged nothing.
 */
export const REFUSED_CLASS = 'insufficient_credits';

/** A call answered from the response cache: no reservation, no upstream call. */
export interface CacheHitCall {
  caller: MeteredCall['caller'];
  requestId: string;
  endpoint: string;
  /** The provider and model that produced the cached answer. */
  provider: string;
  model: string;
  /** The cached answer's tokens, as its original call reported them. */
  inputTokens: number;
  outputTokens: number;
  /** Micro-credits the hit costs (the operator's CACHE_HIT_PRICE); 0 writes no ledger entry. */
  price: bigint;
  latencyMs: number;
}

const count = (value: number | bigint | undefined) => (value === undefined ? 0 : Number(value));

/** Prompt-cache writes for the charge's metadata, when the provider reported any. */
function cacheWrites(usage: Usage): { cacheWriteTokens?: number; cacheWrite1hTokens?: number } {
  if (usage.cacheWriteTokens === undefined) return {};
  return {
    cacheWriteTokens: count(usage.cacheWriteTokens),
    ...(usage.cacheWrite1hTokens !== undefined
      ? { cacheWrite1hTokens: count(usage.cacheWrite1hTokens) }
      : {}),
  };
}

/**
 * The money path of every /v1 call, in one place: reserve the worst case on the dearest target at
 * the tenant's markup (one round trip), charge the actual usage at the serving model's prices and
 * release the rest, or release everything; a usage record either way, written off the response path.
 */
@Injectable()
export class CallMetering {
  private readonly telemetry: Telemetry;

  constructor(
    private readonly credits: CreditsService,
    private readonly usage: UsageRecorder,
    private readonly counters: CounterStore,
    @Optional() telemetry?: Telemetry,
  ) {
    this.telemetry = telemetry ?? NOOP_TELEMETRY;
  }

  /** The usage record, and the same call to the metrics (and the trace's upstream span). */
  private record(row: UsageRecordInput): void {
    this.usage.record(row);
    this.telemetry.callSettled(row);
  }

  /**
   * A response-cache hit: one `charge` ledger entry for `price` (none when it is 0; a 402 when
   * the balance does not cover it) and a usage record with status `ok` and error class
   * {@link CACHE_HIT_CLASS}. Its tokens are not counted against the key's TPM: nothing went
   * upstream. Returns the micro-credits charged.
   */
  async settleCacheHit(hit: CacheHitCall): Promise<bigint> {
    const { caller } = hit;
    await this.credits.charge({
      tenantId: caller.tenantId,
      userId: caller.userId,
      requestId: hit.requestId,
      amount: hit.price,
      reason: 'response cache hit',
      metadata: {
        cached: true,
        model: hit.model,
        provider: hit.provider,
        usage: { inputTokens: hit.inputTokens, outputTokens: hit.outputTokens },
      },
    });
    this.record({
      requestId: hit.requestId,
      tenantId: caller.tenantId,
      userId: caller.userId,
      apiKeyId: caller.apiKey?.id,
      endpoint: hit.endpoint,
      provider: hit.provider,
      model: hit.model,
      inputTokens: hit.inputTokens,
      outputTokens: hit.outputTokens,
      cost: hit.price,
      latencyMs: hit.latencyMs,
      status: 'ok',
      errorClass: CACHE_HIT_CLASS,
    });
    return hit.price;
  }

  async reserve(call: MeteredCall): Promise<CallMeter> {
    this.assertPriced(call);
    const markup = await this.credits.markupFor(call.caller.tenantId);
    return this.hold(call, markup, this.worstCase(call, markup));
  }

  /**
   * Starts the reservation and says whether the upstream call may start before it commits:
   * only when the payer's last seen balance (and key budget) covers the worst case many times
   * over. Either way nothing may reach the client before `meter` resolves; if it rejects
   * (402), the caller cancels the upstream call.
   *
   * A call `paidBeforeAnswer` with that much headroom holds nothing (decision 0030): `meter`
   * resolves at once, and its settlement is its one charge, which may then be refused (402,
   * nothing written) if the balance was spent elsewhere meanwhile; a failed call writes nothing.
   */
  begin(call: MeteredCall): { meter: Promise<CallMeter>; early: boolean } {
    this.assertPriced(call);
    const markup = this.credits.cachedMarkup(call.caller.tenantId);
    if (markup === undefined) return { meter: this.reserve(call), early: false };
    const amount = this.worstCase(call, markup);
    const { caller } = call;
    if (call.paidBeforeAnswer && !call.parts) {
      const done = this.credits.claimUnheld(caller.userId, caller.apiKey, amount);
      if (done) return { meter: Promise.resolve(this.unheld(call, markup, amount, done)), early: false };
    }
    return {
      meter: this.hold(call, markup, amount),
      early: this.credits.claimHeadroom(caller.userId, caller.apiKey, amount),
    };
  }

  /**
   * Counts a settled call's tokens against its API key's TPM window, off the response path (on
   * Redis within a few milliseconds, summed with the key's other calls: decision 0029).
   */
  private countTokens(apiKeyId: string, tokens: number): void {
    if (tokens <= 0) return;
    this.counters.add(tpmCounterKey(apiKeyId), TPM_WINDOW_MS, tokens);
  }

  /**
   * No model is silently free: every target must have a price for everything the call may use
   * on it (its worst case), unless the operator marked the model free. Every caller pays, so
   * this holds for every call; it runs before anything is reserved or sent upstream.
   */
  private assertPriced(call: MeteredCall): void {
    for (const part of call.parts ?? [call]) {
      for (const target of part.targets) {
        if (target.model.free) continue;
        const unpriced = unpricedFor(target.model, quantitiesUsed(part.worst(target)));
        if (unpriced.length > 0) throw new ModelNotPricedError(target.id, unpriced);
      }
    }
  }

  private worstCase(call: MeteredCall, markup: string): bigint {
    const dearest = (part: MeteredPart) =>
      part.targets.reduce((max, target) => {
        const cost = estimateWorstCase(target.model.pricing, part.worst(target), markup, {
          free: target.model.free,
        });
        return cost > max ? cost : max;
      }, 0n);
    if (call.parts) return call.parts.reduce((sum, part) => sum + dearest(part), call.fees ?? 0n);
    return dearest(call);
  }

  private async hold(call: MeteredCall, markup: string, amount: bigint): Promise<CallMeter> {
    const { caller, requestId, targets } = call;
    const reserving = this.telemetry.startSpan('switchyard.reservation');
    let reservation: Awaited<ReturnType<CreditsService['reserve']>>;
    try {
      reservation = await this.credits.reserve({
        tenantId: caller.tenantId,
        userId: caller.userId,
        apiKeyId: caller.apiKey?.id,
        requestId,
        amount,
        model: targets[0]?.id,
      });
    } catch (err) {
      reserving.end(err);
      throw err;
    }
    reserving.end();
    return this.meter(call, markup, {
      charge: (actual, metadata) => this.credits.settle(reservation, actual, metadata),
      release: () => this.credits.release(reservation),
    });
  }

  /**
   * A call that holds nothing: its settlement charges it once, at most `amount` (its worst case,
   * as a hold would cap it); a failure writes nothing. `done` gives its claim on the payer's
   * headroom back either way.
   */
  private unheld(call: MeteredCall, markup: string, amount: bigint, done: () => void): CallMeter {
    const { caller, requestId } = call;
    // As a hold's: one charge (a repeat gets the first outcome), none after a release.
    let charged: Promise<bigint> | undefined;
    let released = false;
    const meter = this.meter(call, markup, {
      charge: (actual, metadata) => {
        if (released) return Promise.resolve(0n);
        charged ??= this.credits.chargeCall({
          tenantId: caller.tenantId,
          userId: caller.userId,
          ...(caller.apiKey ? { apiKeyId: caller.apiKey.id } : {}),
          requestId,
          amount: actual < 0n ? 0n : actual < amount ? actual : amount,
          metadata,
        });
        return charged;
      },
      release: async () => {
        released = true;
      },
    });
    // The claim on the headroom ends with the call, whatever ends it (a usage the price refuses too).
    return {
      settle: (...args) => meter.settle(...args).finally(done),
      settleSteps: (...args) => meter.settleSteps(...args).finally(done),
      release: (...args) => meter.release(...args).finally(done),
    };
  }

  /**
   * Settlement and release of a call, over its money moves (`charge` the actual cost with the
   * entry's metadata, or `release`): the price, the span, the TPM count and the usage records.
   */
  private meter(
    call: MeteredCall,
    markup: string,
    money: {
      charge: (actual: bigint, metadata: Record<string, unknown>) => Promise<bigint>;
      release: () => Promise<void>;
    },
  ): CallMeter {
    const { caller, requestId, endpoint, targets } = call;
    const base = {
      requestId,
      tenantId: caller.tenantId,
      userId: caller.userId,
      apiKeyId: caller.apiKey?.id,
      endpoint,
    };
    return {
      settle: async (target, usage, outcome) => {
        const free = target.model.free === true;
        const cost = priceUsage(target.model.pricing, usage, markup, { free });
        const inputTokens = count(usage.inputTokens);
        const outputTokens = count(usage.outputTokens);
        const cachedInputTokens =
          usage.cachedInputTokens === undefined ? undefined : count(usage.cachedInputTokens);
        // One literal, not `{ ...base, more }`: a leading spread with fields after it makes a
        // fresh hidden class per call on Node 20 (decision 0032).
        const row: UsageRecordInput = {
          requestId,
          tenantId: base.tenantId,
          userId: base.userId,
          apiKeyId: base.apiKeyId,
          endpoint,
          provider: target.provider.id,
          model: target.id,
          inputTokens,
          outputTokens,
          cachedInputTokens,
          status: outcome.status,
          latencyMs: outcome.latencyMs,
          ttftMs: outcome.ttftMs,
          errorClass: outcome.errorClass,
          cost: 0n,
        };
        const settling = this.telemetry.startSpan('switchyard.settlement');
        const charged = await money
          .charge(cost, {
            model: target.id,
            provider: target.provider.id,
            usage: { inputTokens, outputTokens, cachedInputTokens, ...cacheWrites(usage) },
            status: outcome.status,
            ...(free ? { free } : {}),
          })
          .then(
            (value) => {
              settling.end();
              return value;
            },
            (err: unknown) => {
              settling.end(err);
              // A call without a hold whose charge was refused: it ran (its tokens count against
              // the key's TPM), and was charged nothing.
              if (err instanceof InsufficientCreditsError) {
                if (caller.apiKey?.tpm) this.countTokens(caller.apiKey.id, inputTokens + outputTokens);
                row.status = 'error';
                row.errorClass = REFUSED_CLASS;
                this.record(row);
              }
              throw err;
            },
          );
        const tpm = caller.apiKey?.tpm;
        if (tpm) this.countTokens(caller.apiKey!.id, inputTokens + outputTokens);
        row.cost = charged;
        this.record(row);
        return charged;
      },
      settleSteps: async (steps, fees = []) => {
        const costs = steps.map(({ target, usage }) =>
          priceUsage(target.model.pricing, usage, markup, { free: target.model.free === true }),
        );
        const actual = [...costs, ...fees.map((f) => f.amount)].reduce((a, b) => a + b, 0n);
        const tokens = steps.map(({ usage }) => ({
          inputTokens: count(usage.inputTokens),
          outputTokens: count(usage.outputTokens),
        }));
        const settling = this.telemetry.startSpan('switchyard.settlement');
        const charged = await money
          .charge(actual, {
            model: steps.at(-1)?.target.id ?? targets[0]?.id,
            provider: steps.at(-1)?.target.provider.id ?? targets[0]?.provider.id,
            usage: {
              inputTokens: tokens.reduce((a, t) => a + t.inputTokens, 0),
              outputTokens: tokens.reduce((a, t) => a + t.outputTokens, 0),
            },
            steps: [
              ...steps.map(({ target }, i) => ({
                model: target.id,
                ...tokens[i],
                cost: costs[i]!.toString(),
              })),
              ...fees.map((f) => ({
                model: f.model,
                kind: 'search',
                status: f.outcome.status,
                cost: f.amount.toString(),
              })),
            ],
            status: [...steps, ...fees].some((s) => s.outcome.status === 'ok') ? 'ok' : 'error',
          })
          .then(
            (value) => {
              settling.end();
              return value;
            },
            (err: unknown) => {
              settling.end(err);
              throw err;
            },
          );
        // The charge is capped at the reservation: what the cap cut comes off the last steps.
        let left = charged;
        const [shares, feeShares] = [costs, fees.map((f) => f.amount)].map((list) =>
          list.map((cost) => {
            const share = cost < left ? cost : left;
            left -= share;
            return share;
          }),
        ) as [bigint[], bigint[]];
        const tpm = caller.apiKey?.tpm;
        const allTokens = tokens.reduce((a, t) => a + t.inputTokens + t.outputTokens, 0);
        if (tpm) this.countTokens(caller.apiKey!.id, allTokens);
        steps.forEach(({ target, usage, outcome }, i) => {
          this.record({
            ...base,
            provider: target.provider.id,
            model: target.id,
            ...tokens[i]!,
            cachedInputTokens:
              usage.cachedInputTokens === undefined ? undefined : count(usage.cachedInputTokens),
            cost: shares[i]!,
            ...outcome,
          });
        });
        fees.forEach((fee, i) => {
          this.record({
            ...base,
            provider: fee.provider,
            model: fee.model,
            inputTokens: 0,
            outputTokens: 0,
            cost: feeShares[i]!,
            ...fee.outcome,
          });
        });
        return { total: charged, costs: shares, feeCosts: feeShares };
      },
      release: async (errorClass) => {
        const releasing = this.telemetry.startSpan('switchyard.settlement');
        releasing.setAttribute('switchyard.released', true);
        await money.release().then(
          () => releasing.end(),
          (err: unknown) => {
            releasing.end(err);
            throw err;
          },
        );
        const target = targets[0]!;
        this.record({
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
