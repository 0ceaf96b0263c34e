import { ActivityLogService, actorOf } from '@switchyard/activity-log';
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { hasRole, scopeOf, type Caller, type TenantScope } from '@switchyard/auth';
import {
  AppConfig,
  ConflictError,
  formatCredits,
  InsufficientCreditsError,
  InvalidRequestError,
  MICROS_PER_CREDIT,
  NotFoundError,
  page,
  parseCredits,
  PermissionDeniedError,
  type Page,
} from '@switchyard/core';
import { DataSource } from 'typeorm';
import {
  BalanceView,
  LedgerEntryView,
  MarkupView,
  TransferView,
  VerifyView,
  type CreateGrantDto,
  type CreateTransferDto,
  type LedgerQueryDto,
} from '../dto/credits.dto.js';
import { AccountsRepository } from '../repositories/accounts.repository.js';
import { LedgerRepository } from '../repositories/ledger.repository.js';
import { pgErrorOf, UNIQUE_VIOLATION } from '../repositories/sql-errors.js';
import { verifyLedger, type VerifyReport } from '../verify/ledger-verifier.js';
import { CreditsService } from './credits.service.js';

/** The most one grant or transfer may move: a typo guard, far below bigint's limits. */
const MAX_POSTING = 1_000_000_000n * MICROS_PER_CREDIT;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A posting's result, and whether it was a replay of an earlier request with the same key. */
export interface Posted<T> {
  result: T;
  replayed: boolean;
}

/**
 * Balances, the ledger, grants and transfers for the management API. Members see their own;
 * tenant admins their tenant; platform admins everything. Another tenant's user is not found.
 */
@Injectable()
export class CreditAccountsService {
  constructor(
    private readonly config: AppConfig,
    private readonly ledger: LedgerRepository,
    private readonly accounts: AccountsRepository,
    private readonly credits: CreditsService,
    private readonly db: DataSource,
    private readonly activity: ActivityLogService,
  ) {}

  async balance(caller: Caller, userId?: string): Promise<BalanceView> {
    const scope = scopeOf(caller);
    let target = { id: caller.userId, tenantId: caller.tenantId };
    if (userId && userId !== caller.userId) {
      this.assertAdmin(caller, 'user_id');
      target = await this.user(scope, userId);
    }
    const accountId = await this.ledger.userAccount(
      target.tenantId,
      target.id,
      this.config.credits.signupCredits,
    );
    const account = (await this.accounts.balance(scope, accountId))!;
    const view: BalanceView = {
      user_id: target.id,
      tenant_id: target.tenantId,
      balance: formatCredits(account.balance),
      reserved: formatCredits(account.reserved),
    };
    if (caller.kind === 'user' && hasRole(caller.role, 'tenant_admin')) {
      view.tenant_pool = {
        tenant_id: target.tenantId,
        balance: formatCredits(await this.accounts.poolBalance(scope, target.tenantId)),
      };
    }
    if (caller.apiKey && target.id === caller.userId) {
      const spend = await this.accounts.keySpend(scope, caller.apiKey.id);
      const budget = spend?.budget ?? null;
      const spent = spend?.spent ?? 0n;
      view.api_key = {
        id: caller.apiKey.id,
        credit_budget: budget === null ? null : formatCredits(budget),
        spent: formatCredits(spent),
        remaining: budget === null ? null : formatCredits(budget > spent ? budget - spent : 0n),
      };
    }
    return view;
  }

  async ledgerPage(caller: Caller, query: LedgerQueryDto): Promise<Page<LedgerEntryView>> {
    const scope = scopeOf(caller);
    const admin = hasRole(caller.role, 'tenant_admin');
    let userId = query.user_id;
    if (!admin) {
      if (userId && userId !== caller.userId)
        throw new PermissionDeniedError('You can only see your own ledger.');
      if (query.tenant_pool) throw new PermissionDeniedError('Only admins can see the tenant pool.');
      userId = caller.userId;
    } else if (userId && userId !== caller.userId) {
      userId = (await this.user(scope, userId)).id;
    }
    if (query.tenant_id && scope.kind === 'tenant' && query.tenant_id !== scope.tenantId) {
      throw new NotFoundError(`No tenant with id ${query.tenant_id}.`, { param: 'tenant_id' });
    }
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from >= to) throw new InvalidRequestError('from must be before to.', { param: 'from' });
    const [rows, total] = await this.accounts.listEntries(
      scope,
      {
        kind: query.kind,
        userId,
        tenantPool: query.tenant_pool,
        tenantId: query.tenant_id,
        requestId: query.request_id,
        from,
        to,
      },
      query.limit,
      query.offset,
    );
    return page(
      rows.map((e) => LedgerEntryView.from(e)),
      total,
      query,
    );
  }

  /** Credits a user or a tenant pool once per idempotency key. */
  async grant(
    caller: Caller,
    dto: CreateGrantDto,
    idempotencyKey: string | undefined,
  ): Promise<Posted<LedgerEntryView>> {
    const key = this.idempotencyKey(idempotencyKey);
    const scope = scopeOf(caller);
    const kind = dto.kind ?? 'grant';
    if (kind !== 'grant' && !hasRole(caller.role, 'platform_admin')) {
      throw new PermissionDeniedError(`Only platform admins can record a ${kind}.`, { param: 'kind' });
    }
    const amount = this.amount(dto.amount, kind === 'adjustment');
    if ((dto.user_id === undefined) === (dto.tenant_pool !== true)) {
      throw new InvalidRequestError('Give either user_id or tenant_pool: true.', { param: 'user_id' });
    }
    let accountId: string;
    if (dto.user_id) {
      if (dto.tenant_id)
        throw new InvalidRequestError('tenant_id goes with tenant_pool only.', { param: 'tenant_id' });
      const user = await this.user(scope, dto.user_id);
      accountId = await this.ledger.userAccount(user.tenantId, user.id, this.config.credits.signupCredits);
    } else {
      const tenantId = dto.tenant_id ?? caller.tenantId;
      if (!(await this.accounts.tenantExists(scope, tenantId))) {
        throw new NotFoundError(`No tenant with id ${tenantId}.`, { param: 'tenant_id' });
      }
      accountId = await this.ledger.poolAccount(tenantId);
    }
    const stored = `grant:${caller.userId}:${key}`;
    const fingerprint = this.fingerprint({
      op: 'grant',
      accountId,
      kind,
      amount: amount.toString(),
      reason: dto.reason,
    });
    let posted: { entryId: string | null; replayed: boolean };
    try {
      posted = await this.ledger.post({
        accountId,
        kind,
        amount,
        idempotencyKey: stored,
        actorId: caller.userId,
        reason: dto.reason,
        metadata: { fingerprint },
        requestId: null,
      });
    } catch (err) {
      // The same key raced on another account: the unique index kept it to one entry.
      if (pgErrorOf(err)?.code !== UNIQUE_VIOLATION) throw err;
      posted = { entryId: null, replayed: true };
    }
    if (posted.replayed) {
      const first = await this.accounts.findEntryByKey({ kind: 'all' }, stored);
      if (!first || first.metadata.fingerprint !== fingerprint) this.keyReused();
      return { result: LedgerEntryView.from(first), replayed: true };
    }
    if (posted.entryId === null) {
      const balance = (await this.accounts.balance({ kind: 'all' }, accountId))?.balance ?? 0n;
      throw new InsufficientCreditsError('This adjustment would take the balance below zero.', {
        param: 'amount',
        details: { balance: formatCredits(balance), estimate: formatCredits(-amount) },
      });
    }
    const entry = LedgerEntryView.from((await this.accounts.findEntry({ kind: 'all' }, posted.entryId))!);
    this.activity.record({
      action: 'CREDITS_GRANTED',
      tenantId: entry.tenant_id ?? caller.tenantId,
      actor: actorOf(caller),
      description: `${kind} of ${formatCredits(amount)} credits${dto.user_id ? ` to user ${dto.user_id}` : ' to the tenant pool'}: ${dto.reason}`,
      metadata: {
        kind,
        amount: formatCredits(amount),
        account_id: accountId,
        entry_id: posted.entryId,
        user_id: dto.user_id ?? null,
      },
    });
    return { result: entry, replayed: false };
  }

  /** Moves credits from a tenant's pool to one of its users, once per idempotency key. */
  async transfer(
    caller: Caller,
    dto: CreateTransferDto,
    idempotencyKey: string | undefined,
  ): Promise<Posted<TransferView>> {
    const key = this.idempotencyKey(idempotencyKey);
    const scope = scopeOf(caller);
    const amount = this.amount(dto.amount, false);
    const user = await this.user(scope, dto.user_id);
    const poolId = await this.ledger.poolAccount(user.tenantId);
    const accountId = await this.ledger.userAccount(
      user.tenantId,
      user.id,
      this.config.credits.signupCredits,
    );
    const stored = `transfer:${caller.userId}:${key}`;
    const fingerprint = this.fingerprint({
      op: 'transfer',
      poolId,
      accountId,
      amount: amount.toString(),
      reason: dto.reason,
    });
    let outcome;
    try {
      outcome = await this.ledger.transfer({
        fromAccountId: poolId,
        toAccountId: accountId,
        amount,
        idempotencyKey: stored,
        actorId: caller.userId,
        reason: dto.reason,
        metadata: { fingerprint },
        requestId: null,
      });
    } catch (err) {
      if (pgErrorOf(err)?.code !== UNIQUE_VIOLATION) throw err;
      outcome = { status: 'replayed' as const };
    }
    if (outcome.status === 'insufficient_balance') {
      throw new InsufficientCreditsError(
        `The tenant pool has ${formatCredits(outcome.balance)} credits; the transfer needs ${formatCredits(amount)}.`,
        {
          param: 'amount',
          details: { balance: formatCredits(outcome.balance), estimate: formatCredits(amount) },
        },
      );
    }
    const all: TenantScope = { kind: 'all' };
    const [from, to] = await Promise.all([
      this.accounts.findEntryByKey(all, stored),
      this.accounts.findEntryByKey(all, `${stored}:credit`),
    ]);
    if (!from || !to || from.metadata.fingerprint !== fingerprint) this.keyReused();
    if (outcome.status !== 'replayed') {
      this.activity.record({
        action: 'TRANSFER',
        tenantId: user.tenantId,
        actor: actorOf(caller),
        description: `Transferred ${formatCredits(amount)} credits from the tenant pool to ${user.id}: ${dto.reason}`,
        metadata: { amount: formatCredits(amount), user_id: user.id },
      });
    }
    return {
      result: { from: LedgerEntryView.from(from), to: LedgerEntryView.from(to) },
      replayed: outcome.status === 'replayed',
    };
  }

  async markup(caller: Caller, tenantId?: string): Promise<MarkupView> {
    const id = tenantId ?? caller.tenantId;
    if (!(await this.accounts.tenantExists(scopeOf(caller), id))) {
      throw new NotFoundError(`No tenant with id ${id}.`, { param: 'tenant_id' });
    }
    return { tenant_id: id, markup: await this.credits.markupFor(id) };
  }

  async setMarkup(caller: Caller, tenantId: string, markup: string): Promise<MarkupView> {
    if (!(await this.accounts.tenantExists(scopeOf(caller), tenantId))) {
      throw new NotFoundError(`No tenant with id ${tenantId}.`, { param: 'tenant_id' });
    }
    let normalized: string;
    try {
      normalized = await this.credits.setMarkup(tenantId, markup);
    } catch (err) {
      if (err instanceof RangeError) throw new InvalidRequestError(err.message, { param: 'markup' });
      throw err;
    }
    return { tenant_id: tenantId, markup: normalized };
  }

  /** Recomputes every balance from the ledger (and the other invariants) and reports mismatches. */
  async verify(): Promise<VerifyView> {
    return toVerifyView(await verifyLedger((sql, params) => this.db.query(sql, params)));
  }

  private async user(scope: TenantScope, userId: string): Promise<{ id: string; tenantId: string }> {
    const user = await this.accounts.findUser(scope, userId);
    if (!user) throw new NotFoundError(`No user with id ${userId}.`, { param: 'user_id' });
    return user;
  }

  private assertAdmin(caller: Caller, param: string): void {
    if (caller.kind !== 'user' || !hasRole(caller.role, 'tenant_admin')) {
      throw new PermissionDeniedError(
        "Only admins (logged in, not with an API key) can see other users' credits.",
        {
          param,
        },
      );
    }
  }

  private idempotencyKey(value: string | undefined): string {
    if (value === undefined || value === '') {
      throw new InvalidRequestError(
        'The Idempotency-Key header is required: a unique value per intended grant.',
        {
          param: 'Idempotency-Key',
          code: 'missing_idempotency_key',
        },
      );
    }
    if (!IDEMPOTENCY_KEY.test(value)) {
      throw new InvalidRequestError('The Idempotency-Key header must be 1 to 255 visible ASCII characters.', {
        param: 'Idempotency-Key',
      });
    }
    return value;
  }

  private amount(value: string, signed: boolean): bigint {
    const micros = parseCredits(value);
    if (micros === 0n || (!signed && micros < 0n)) {
      throw new InvalidRequestError(
        signed ? 'amount must not be zero.' : 'amount must be greater than zero.',
        {
          param: 'amount',
        },
      );
    }
    if (micros > MAX_POSTING || -micros > MAX_POSTING) {
      throw new InvalidRequestError(`amount may be at most ${formatCredits(MAX_POSTING)} credits.`, {
        param: 'amount',
      });
    }
    return micros;
  }

  private fingerprint(request: Record<string, string>): string {
    return createHash('sha256').update(JSON.stringify(request)).digest('hex');
  }

  private keyReused(): never {
    throw new ConflictError(
      'This Idempotency-Key was already used for a different request. Use a new key for a new operation.',
      { param: 'Idempotency-Key', code: 'idempotency_key_reused' },
    );
  }
}

export function toVerifyView(report: VerifyReport): VerifyView {
  return {
    ok: report.ok,
    accounts: report.accounts,
    entries: report.entries,
    api_keys: report.apiKeys,
    reservations: report.reservations,
    mismatches: report.mismatches.map((m) => ({
      check: m.check,
      subject: m.subject,
      expected: formatCredits(m.expected),
      actual: formatCredits(m.actual),
    })),
  };
}
