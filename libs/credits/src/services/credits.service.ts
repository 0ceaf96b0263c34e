import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  AppConfig,
  boundedLru,
  formatCredits,
  InsufficientCreditsError,
  LoadingCache,
  NotFoundError,
  RedisService,
} from '@switchyard/core';
import { normalizeMarkup } from '../pricing/pricing.js';
import { AccountsRepository } from '../repositories/accounts.repository.js';
import {
  LedgerRepository,
  type ChargeOutcome,
  type ReserveOutcome,
  type SettleOutcome,
} from '../repositories/ledger.repository.js';
import { LiveReservations } from './live-reservations.js';

/** What the chat pipeline reserves before it calls upstream. */
export interface ReserveInput {
  tenantId: string;
  userId: string;
  /** The Switchyard API key of the call; its credit budget is enforced in the same statement. */
  apiKeyId?: string;
  requestId: string;
  /** The worst-case cost in micro-credits (see `estimateWorstCase`); 0 for a free model. */
  amount: bigint;
  model?: string;
}

/** Credits held for one request until it is settled or released. */
export interface Reservation {
  id: string;
  /** The user's credit account. */
  accountId: string;
  /** The user it was reserved for (their account pays). */
  userId: string;
  /** Micro-credits held. */
  amount: bigint;
  apiKeyId?: string;
  requestId: string;
}

export const MARKUP_CHANNEL = 'sy:credits:markup';
const MARKUP_CACHE_MS = 60_000;
/**
 * The 402 of a refused reservation (`costs`: "may cost up to") or charge ("cost"): the balance
 * and the estimate, or the key's budget left and the estimate.
 */
function refusal(
  outcome:
    { status: 'insufficient_balance'; balance: bigint } | { status: 'key_budget'; budgetRemaining: bigint },
  amount: bigint,
  costs: string,
): InsufficientCreditsError {
  const estimate = formatCredits(amount);
  if (outcome.status === 'insufficient_balance') {
    const balance = formatCredits(outcome.balance);
    return new InsufficientCreditsError(
      `You do not have enough credits for this request: it ${costs} ${estimate} credits and your balance is ${balance}.`,
      { details: { balance, estimate } },
    );
  }
  const left = formatCredits(outcome.budgetRemaining);
  return new InsufficientCreditsError(
    `This API key has reached its credit budget: the request ${costs} ${estimate} credits and the key has ${left} left.`,
    { details: { budget_remaining: left, estimate } },
  );
}

/** How long a balance seen by a reservation counts as a hint (see `headroom`). */
const HINT_MS = 30_000;

/**
 * The hot path's credits: reserve the worst case before the upstream call (one round trip),
 * settle the actual cost after it (one transaction), or release everything when it failed.
 */
@Injectable()
export class CreditsService implements OnModuleInit {
  private readonly markups = new LoadingCache<string, string>(10_000, MARKUP_CACHE_MS);
  /** The last balance (user id) or key budget left (`key:` + id) a reservation here saw. */
  private readonly hints = boundedLru<string, bigint>(100_000, { ttl: HINT_MS });
  /**
   * What the calls this instance is serving without a hold may still cost (their worst cases),
   * by user id and `key:` + API key id; a claim's amount leaves it when its call is charged or fails.
   */
  private readonly unheld = new Map<string, bigint>();
  /** User id to credit account id (an account is never deleted while its user exists). */
  private readonly userAccounts = new LoadingCache<string, string>(100_000, 0);

  constructor(
    private readonly config: AppConfig,
    private readonly ledger: LedgerRepository,
    private readonly accounts: AccountsRepository,
    private readonly live: LiveReservations,
    private readonly redis: RedisService,
  ) {}

  async onModuleInit(): Promise<void> {
    // A changed markup applies at once on every instance (through Redis when configured).
    await this.redis.subscribe(MARKUP_CHANNEL, (tenantId) => this.markups.delete(tenantId));
  }

  /**
   * One atomic conditional statement (one DB round trip): holds `amount` on the user's account
   * (created with SIGNUP_CREDITS on first use) and counts it against the API key's budget when
   * the key has one; writes a pending reservation (no ledger entry).
   * Throws InsufficientCreditsError (402; details `balance` and `estimate`, or
   * `budget_remaining` and `estimate` for the key) with nothing written.
   */
  async reserve(input: ReserveInput): Promise<Reservation> {
    if (input.amount < 0n) throw new RangeError(`a reservation cannot be negative: ${input.amount}`);
    const outcome = await this.ledger.reserve({
      tenantId: input.tenantId,
      userId: input.userId,
      apiKeyId: input.apiKeyId ?? null,
      requestId: input.requestId,
      amount: input.amount,
      model: input.model ?? null,
      signupCredits: this.config.credits.signupCredits,
      ttlSeconds: this.config.credits.reservationTtlSeconds,
    });
    this.noteOutcome(input, outcome);
    if (outcome.status !== 'ok') throw refusal(outcome, input.amount, 'may cost up to');
    this.live.add(outcome.reservationId);
    return {
      id: outcome.reservationId,
      accountId: outcome.accountId,
      userId: input.userId,
      amount: input.amount,
      ...(input.apiKeyId ? { apiKeyId: input.apiKeyId } : {}),
      requestId: input.requestId,
    };
  }

  /**
   * In one transaction: releases the reservation and charges `actual`, capped at the reserved
   * amount (the reservation is the worst case), recording `metadata` (model, provider, usage)
   * on the charge entry; marks the reservation settled. Idempotent per reservation: a repeat
   * returns what the first call charged. Returns the charged micro-credits.
   */
  async settle(
    reservation: Reservation,
    actual: bigint,
    metadata: Record<string, unknown> = {},
  ): Promise<bigint> {
    return this.finish(reservation, actual < 0n ? 0n : actual, metadata, 'settled');
  }

  /**
   * One charge without a reservation, for a call that never goes upstream (a response-cache
   * hit): a single `charge` entry on the user's account (created with SIGNUP_CREDITS on first
   * use), or InsufficientCreditsError with nothing written when the balance does not cover it.
   * Not counted against the API key's credit budget (decision 0020).
   */
  async charge(input: {
    tenantId: string;
    userId: string;
    requestId: string;
    amount: bigint;
    reason: string;
    metadata: Record<string, unknown>;
  }): Promise<void> {
    if (input.amount <= 0n) return;
    const accountId =
      this.userAccounts.cached(input.userId) ??
      (await this.userAccounts.get(input.userId, () =>
        this.ledger.userAccount(input.tenantId, input.userId, this.config.credits.signupCredits),
      ))!;
    const posted = await this.ledger.post({
      accountId,
      kind: 'charge',
      amount: -input.amount,
      idempotencyKey: null,
      actorId: null,
      reason: input.reason,
      metadata: input.metadata,
      requestId: input.requestId,
    });
    if (posted.entryId === null) {
      throw new InsufficientCreditsError(
        `You do not have enough credits for this request: it costs ${formatCredits(input.amount)} credits.`,
        { details: { estimate: formatCredits(input.amount) } },
      );
    }
  }

  /**
   * Charges a call that held nothing (see `claimUnheld`) once its answer is in: its one `charge`
   * entry if the account can still spend `amount` (`balance - held`) and the API key's budget
   * covers it, counted against the key as a settled call is; otherwise InsufficientCreditsError
   * (402) with nothing written. Returns the micro-credits charged.
   */
  async chargeCall(input: {
    tenantId: string;
    userId: string;
    apiKeyId?: string;
    requestId: string;
    amount: bigint;
    metadata: Record<string, unknown>;
  }): Promise<bigint> {
    if (input.amount < 0n) throw new RangeError(`a charge cannot be negative: ${input.amount}`);
    const outcome = await this.ledger.charge({
      tenantId: input.tenantId,
      userId: input.userId,
      apiKeyId: input.apiKeyId ?? null,
      requestId: input.requestId,
      amount: input.amount,
      signupCredits: this.config.credits.signupCredits,
      metadata: input.metadata,
      idempotencyKey: `call:${randomUUID()}`,
    });
    this.noteOutcome(input, outcome);
    if (outcome.status !== 'ok') throw refusal(outcome, input.amount, 'cost');
    return outcome.charged;
  }

  /** Releases everything a failed call held: it is charged nothing. Idempotent. */
  async release(reservation: Reservation): Promise<void> {
    await this.finish(reservation, 0n, {}, 'released');
  }

  /**
   * Whether `amount` is far inside what the payer had at their last reservation on this
   * instance (balance, and the API key's budget left): at least `factor` times over, seen in the
   * last 30 s. If so, the amount is taken off the hints at once, so calls already started this
   * way count against the next one. The chat path then starts the upstream call while the
   * reservation commits. A key with a budget needs a hint of its own.
   */
  claimHeadroom(
    userId: string,
    apiKey: { id: string; creditBudget?: bigint | null } | undefined,
    amount: bigint,
    factor = 4n,
  ): boolean {
    const seen = this.headroom(userId, apiKey, amount, factor);
    if (!seen) return false;
    this.hints.set(userId, seen.balance - amount);
    if (seen.keyHint !== undefined) this.hints.set(seen.keyHint, seen.budget! - amount);
    return true;
  }

  /**
   * Whether a call that is paid for before its answer is sent (not a stream) may skip its hold
   * and be charged once its answer is in (`chargeCall`, decision 0030): on the same test as
   * `claimHeadroom`, with what this instance's other calls without a hold may still cost taken
   * off. If so, `amount` counts against the next claims until the returned function is called,
   * which the call does once it is charged or has failed (a second call does nothing).
   */
  claimUnheld(
    userId: string,
    apiKey: { id: string; creditBudget?: bigint | null } | undefined,
    amount: bigint,
    factor = 4n,
  ): (() => void) | undefined {
    if (!this.config.credits.chargeWithoutHold) return undefined;
    const seen = this.headroom(userId, apiKey, amount, factor);
    if (!seen) return undefined;
    const claimed = seen.keyHint === undefined ? [userId] : [userId, seen.keyHint];
    for (const id of claimed) this.unheld.set(id, (this.unheld.get(id) ?? 0n) + amount);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      for (const id of claimed) {
        const left = (this.unheld.get(id) ?? 0n) - amount;
        if (left > 0n) this.unheld.set(id, left);
        else this.unheld.delete(id);
      }
    };
  }

  /**
   * The payer's last seen balance (and the key's budget left, `keyHint` set when the key has a
   * budget), when, less what calls without a hold here may still cost, they cover `amount`
   * `factor` times over and were seen in the last 30 s; a key with a budget needs a hint of its own.
   */
  private headroom(
    userId: string,
    apiKey: { id: string; creditBudget?: bigint | null } | undefined,
    amount: bigint,
    factor: bigint,
  ): { balance: bigint; keyHint?: string; budget?: bigint } | undefined {
    const balance = this.hints.get(userId);
    const need = amount * factor;
    if (balance === undefined || balance - (this.unheld.get(userId) ?? 0n) < need) return undefined;
    if (!apiKey) return { balance };
    const keyHint = `key:${apiKey.id}`;
    const budget = this.hints.get(keyHint);
    // A budget set since the hint was seen counts at once (the hint then says "none", -1).
    const limited = apiKey.creditBudget != null || (budget !== undefined && budget !== -1n);
    if (!limited) return { balance };
    if (budget === undefined || budget - (this.unheld.get(keyHint) ?? 0n) < need) return undefined;
    return { balance, keyHint, budget };
  }

  /** The tenant's markup when it is cached (no await on the hot path), else undefined. */
  cachedMarkup(tenantId: string): string | undefined {
    return this.markups.cached(tenantId);
  }

  private noteOutcome(
    input: { userId: string; apiKeyId?: string },
    outcome: ReserveOutcome | ChargeOutcome,
  ): void {
    switch (outcome.status) {
      case 'ok':
        this.hints.set(input.userId, outcome.balance);
        if (input.apiKeyId) this.hints.set(`key:${input.apiKeyId}`, outcome.budgetRemaining ?? -1n);
        break;
      case 'insufficient_balance':
        this.hints.set(input.userId, outcome.balance);
        break;
      case 'key_budget':
        if (input.apiKeyId) this.hints.set(`key:${input.apiKeyId}`, outcome.budgetRemaining);
        break;
    }
  }

  /** The tenant's price multiplier as a decimal string ('1' unless set). Cached. */
  async markupFor(tenantId: string): Promise<string> {
    return (
      this.markups.cached(tenantId) ??
      (await this.markups.get(tenantId, async () => {
        const m = await this.accounts.markup(tenantId);
        return m === undefined ? '1' : normalizeMarkup(m);
      }))!
    );
  }

  /** Sets a tenant's markup and drops it from every instance's cache. */
  async setMarkup(tenantId: string, markup: string): Promise<string> {
    const normalized = normalizeMarkup(markup);
    await this.accounts.setMarkup(tenantId, normalized);
    this.markups.delete(tenantId);
    await this.redis.publish(MARKUP_CHANNEL, tenantId);
    return normalized;
  }

  private async finish(
    reservation: Reservation,
    actual: bigint,
    metadata: Record<string, unknown>,
    outcome: SettleOutcome,
  ): Promise<bigint> {
    try {
      const result = await this.ledger.settle(reservation.id, actual, metadata, outcome, reservation.userId);
      if (result.status === 'missing') throw new NotFoundError(`No credit reservation ${reservation.id}.`);
      return result.charged ?? 0n;
    } finally {
      // Whatever happened, this process stops renewing it: if the settlement did not commit,
      // the sweeper releases the reservation once it expires.
      this.live.delete(reservation.id);
    }
  }
}
