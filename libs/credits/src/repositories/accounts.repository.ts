import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { TenantScope } from '@switchyard/auth';
import { DataSource, type ObjectLiteral, type Repository, type SelectQueryBuilder } from 'typeorm';
import type { CreditAccountKind } from '../entities/credit-account.entity.js';
import { CreditLedgerEntryEntity, type LedgerKind } from '../entities/credit-ledger-entry.entity.js';

/** Restricts a query to the scope's tenant (no-op for the platform scope). */
function scoped<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, scope: TenantScope, alias: string) {
  return scope.kind === 'tenant'
    ? qb.andWhere(`${alias}.tenant_id = :scopeTenant`, { scopeTenant: scope.tenantId })
    : qb;
}

function scopeSql(scope: TenantScope, column: string, params: unknown[]): string {
  if (scope.kind === 'all') return 'TRUE';
  params.push(scope.tenantId);
  return `${column} = $${params.length}`;
}

export interface AccountBalance {
  accountId: string;
  tenantId: string;
  userId: string | null;
  kind: CreditAccountKind;
  /** What the account can spend: its ledger balance minus what pending reservations hold. */
  balance: bigint;
  /** Held by pending reservations (already taken out of `balance`). */
  reserved: bigint;
}

export interface LedgerFilter {
  kind?: LedgerKind;
  userId?: string;
  /** Only the tenant pool's entries. */
  tenantPool?: boolean;
  tenantId?: string;
  requestId?: string;
  from?: Date;
  to?: Date;
}

/** The ledger entry with the kind of its account, as reads return it. */
export type LedgerEntryRow = CreditLedgerEntryEntity & { accountKind: CreditAccountKind };

/**
 * Reads of accounts, ledger entries and the users and tenants they belong to. Every method over
 * tenant data takes the caller's scope first: another tenant's row is simply not found.
 */
@Injectable()
export class AccountsRepository {
  constructor(
    private readonly db: DataSource,
    @InjectRepository(CreditLedgerEntryEntity) private readonly entries: Repository<CreditLedgerEntryEntity>,
  ) {}

  async findUser(scope: TenantScope, userId: string): Promise<{ id: string; tenantId: string } | undefined> {
    const params: unknown[] = [userId];
    const rows: Array<{ id: string; tenant_id: string }> = await this.db.query(
      `SELECT id, tenant_id FROM users WHERE id = $1 AND ${scopeSql(scope, 'tenant_id', params)}`,
      params,
    );
    return rows[0] && { id: rows[0].id, tenantId: rows[0].tenant_id };
  }

  async tenantExists(scope: TenantScope, tenantId: string): Promise<boolean> {
    const params: unknown[] = [tenantId];
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM tenants WHERE id = $1 AND ${scopeSql(scope, 'id', params)}`,
      params,
    );
    return rows.length > 0;
  }

  /** A balance with what its pending reservations hold; undefined when the account does not exist yet. */
  async balance(scope: TenantScope, accountId: string): Promise<AccountBalance | undefined> {
    const params: unknown[] = [accountId];
    const rows: Array<{
      id: string;
      tenant_id: string;
      user_id: string | null;
      kind: CreditAccountKind;
      balance: string;
      reserved: string;
    }> = await this.db.query(
      `SELECT a.id, a.tenant_id, a.user_id, a.kind, (a.balance - a.held)::text AS balance, a.held::text AS reserved
         FROM credit_accounts a WHERE a.id = $1 AND ${scopeSql(scope, 'a.tenant_id', params)}`,
      params,
    );
    const r = rows[0];
    return (
      r && {
        accountId: r.id,
        tenantId: r.tenant_id,
        userId: r.user_id,
        kind: r.kind,
        balance: BigInt(r.balance),
        reserved: BigInt(r.reserved),
      }
    );
  }

  async poolBalance(scope: TenantScope, tenantId: string): Promise<bigint> {
    const params: unknown[] = [tenantId];
    const rows: Array<{ balance: string }> = await this.db.query(
      `SELECT (balance - held)::text AS balance FROM credit_accounts
        WHERE tenant_id = $1 AND kind = 'tenant_pool' AND ${scopeSql(scope, 'tenant_id', params)}`,
      params,
    );
    return rows[0] ? BigInt(rows[0].balance) : 0n;
  }

  /** What a key has spent (charged plus reserved) and its budget. */
  async keySpend(
    scope: TenantScope,
    apiKeyId: string,
  ): Promise<{ spent: bigint; budget: bigint | null } | undefined> {
    const params: unknown[] = [apiKeyId];
    const rows: Array<{ spent: string; budget: string | null }> = await this.db.query(
      `SELECT COALESCE(s.spent, 0)::text AS spent, k.credit_budget::text AS budget
         FROM api_keys k LEFT JOIN credit_key_spend s ON s.api_key_id = k.id
        WHERE k.id = $1 AND ${scopeSql(scope, 'k.tenant_id', params)}`,
      params,
    );
    const r = rows[0];
    return r && { spent: BigInt(r.spent), budget: r.budget === null ? null : BigInt(r.budget) };
  }

  private entryQuery(scope: TenantScope): SelectQueryBuilder<CreditLedgerEntryEntity> {
    return scoped(
      this.entries.createQueryBuilder('l').innerJoin('l.account', 'a').addSelect('a.kind', 'account_kind'),
      scope,
      'l',
    );
  }

  async findEntry(scope: TenantScope, id: string): Promise<LedgerEntryRow | undefined> {
    return this.one(this.entryQuery(scope).andWhere('l.id = :id', { id }));
  }

  async findEntryByKey(scope: TenantScope, idempotencyKey: string): Promise<LedgerEntryRow | undefined> {
    return this.one(this.entryQuery(scope).andWhere('l.idempotency_key = :key', { key: idempotencyKey }));
  }

  async listEntries(
    scope: TenantScope,
    filter: LedgerFilter,
    limit: number,
    offset: number,
  ): Promise<[LedgerEntryRow[], number]> {
    const qb = this.entryQuery(scope).orderBy('l.id', 'DESC').limit(limit).offset(offset);
    if (filter.kind) qb.andWhere('l.kind = :kind', { kind: filter.kind });
    if (filter.userId) qb.andWhere('l.user_id = :userId', { userId: filter.userId });
    if (filter.tenantPool) qb.andWhere(`a.kind = 'tenant_pool'`);
    if (filter.tenantId) qb.andWhere('l.tenant_id = :tenantId', { tenantId: filter.tenantId });
    if (filter.requestId) qb.andWhere('l.request_id = :requestId', { requestId: filter.requestId });
    if (filter.from) qb.andWhere('l.created_at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('l.created_at < :to', { to: filter.to });
    const [{ entities, raw }, total] = await Promise.all([qb.getRawAndEntities(), qb.getCount()]);
    return [entities.map((e, i) => withKind(e, raw[i] as { account_kind: CreditAccountKind })), total];
  }

  private async one(qb: SelectQueryBuilder<CreditLedgerEntryEntity>): Promise<LedgerEntryRow | undefined> {
    const { entities, raw } = await qb.getRawAndEntities();
    const entity = entities[0];
    return entity && withKind(entity, raw[0] as { account_kind: CreditAccountKind });
  }

  async markup(tenantId: string): Promise<string | undefined> {
    const rows: Array<{ markup: string }> = await this.db.query(
      `SELECT markup::text AS markup FROM credit_tenant_settings WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0]?.markup;
  }

  async setMarkup(tenantId: string, markup: string): Promise<void> {
    await this.db.query(
      `INSERT INTO credit_tenant_settings (tenant_id, markup) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET markup = EXCLUDED.markup, updated_at = now()`,
      [tenantId, markup],
    );
  }
}

function withKind(entity: CreditLedgerEntryEntity, raw: { account_kind: CreditAccountKind }): LedgerEntryRow {
  return Object.assign(entity, { accountKind: raw.account_kind });
}
