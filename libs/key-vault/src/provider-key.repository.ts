import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { TenantScope } from '@switchyard/auth';
import { DataSource, type EntityManager, type Repository, type SelectQueryBuilder } from 'typeorm';
import { ProviderKeyEntity, type OwnerType, type StoredKeyStatus } from './provider-key.entity.js';

/** Narrows what a caller sees: a tenant scope, plus one user's keys only (members). */
export interface KeyVisibility {
  scope: TenantScope;
  /** Only this user's own keys. */
  userId?: string;
}

export interface KeyListFilter {
  provider?: string;
  ownerType?: OwnerType;
}

/** A selection change, for the activity log. */
export interface SelectionChange {
  id: string;
  provider: string;
  last4: string;
  tenantId: string | null;
}

/** TypeORM's query() answers an UPDATE ... RETURNING with [rows, affected]. */
function returned<T>(raw: unknown): T[] {
  return Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) ? (raw[0] as T[]) : (raw as T[]);
}

@Injectable()
export class ProviderKeyRepository {
  constructor(
    @InjectRepository(ProviderKeyEntity) private readonly repo: Repository<ProviderKeyEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async findById(visibility: KeyVisibility, id: string): Promise<ProviderKeyEntity | null> {
    return this.visible(visibility).andWhere('k.id = :id', { id }).getOne();
  }

  async list(
    visibility: KeyVisibility,
    filter: KeyListFilter,
    limit: number,
    offset: number,
  ): Promise<[ProviderKeyEntity[], number]> {
    const qb = this.visible(visibility)
      .orderBy('k.created_at', 'ASC')
      .addOrderBy('k.id', 'ASC')
      .take(limit)
      .skip(offset);
    if (filter.provider) qb.andWhere('k.provider = :provider', { provider: filter.provider });
    if (filter.ownerType) qb.andWhere('k.owner_type = :ownerType', { ownerType: filter.ownerType });
    return qb.getManyAndCount();
  }

  /** Which of these fingerprints an owner already holds for a provider. */
  async existingFingerprints(
    ownerKey: string,
    provider: string,
    fingerprints: string[],
  ): Promise<Set<string>> {
    if (fingerprints.length === 0) return new Set();
    const rows = await this.repo
      .createQueryBuilder('k')
      .select('k.fingerprint', 'fingerprint')
      .where('k.owner_key = :ownerKey AND k.provider = :provider', { ownerKey, provider })
      .andWhere('k.fingerprint IN (:...fingerprints)', { fingerprints })
      .getRawMany<{ fingerprint: string }>();
    return new Set(rows.map((r) => r.fingerprint));
  }

  /** Inserts every row or none. */
  async insertAll(rows: ProviderKeyEntity[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.transaction(async (em) => {
      for (let i = 0; i < rows.length; i += 200) {
        await em.getRepository(ProviderKeyEntity).insert(rows.slice(i, i + 200));
      }
    });
  }

  async delete(visibility: KeyVisibility, id: string): Promise<boolean> {
    const found = await this.findById(visibility, id);
    if (!found) return false;
    await this.repo.delete({ id: found.id });
    return true;
  }

  /**
   * Makes an active key its owner's selection for its provider; returns the keys that were
   * selected before (unselected now), or null when the key is not active.
   */
  async select(id: string): Promise<SelectionChange[] | null> {
    return this.dataSource.transaction(async (em) => {
      const target = await em
        .getRepository(ProviderKeyEntity)
        .createQueryBuilder('k')
        .setLock('pessimistic_write')
        .where('k.id = :id', { id })
        .getOne();
      if (!target || target.status !== 'active') return null;
      if (target.selected) return [];
      const previous = await this.unselectWhere(em, 'owner_key = $1 AND provider = $2 AND selected', [
        target.ownerKey,
        target.provider,
      ]);
      await em.getRepository(ProviderKeyEntity).update({ id }, { selected: true });
      return previous;
    });
  }

  /** Clears a key's selection; true when it was selected. */
  async unselect(id: string): Promise<boolean> {
    return (await this.unselectWhere(this.dataSource.manager, 'id = $1 AND selected', [id])).length > 0;
  }

  async update(id: string, values: Partial<Pick<ProviderKeyEntity, 'name' | 'baseUrl'>>): Promise<void> {
    await this.repo.update({ id }, values);
  }

  /** Enables (clearing invalid marks, cooldown and failure streak) or disables (and unselects) a key. */
  async setStatus(id: string, status: Extract<StoredKeyStatus, 'active' | 'disabled'>): Promise<boolean> {
    const rows = returned<{ was_selected: boolean }>(
      await this.repo.query(
        `UPDATE provider_keys k
          SET status = $2,
              selected = CASE WHEN $2 = 'disabled' THEN false ELSE k.selected END,
              cooldown_until = CASE WHEN $2 = 'active' THEN NULL ELSE k.cooldown_until END,
              failure_count = CASE WHEN $2 = 'active' THEN 0 ELSE k.failure_count END,
              updated_at = now()
         FROM (SELECT id, selected FROM provider_keys WHERE id = $1 FOR UPDATE) old
        WHERE k.id = old.id
        RETURNING old.selected AS was_selected`,
        [id, status],
      ),
    );
    return rows[0]?.was_selected === true && status === 'disabled';
  }

  async tenantExists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.repo.query('SELECT 1 FROM tenants WHERE id = $1', [id]);
    return rows.length > 0;
  }

  // --- failover bookkeeping: the hot path's writes, by key id across tenants --------------------

  /**
   * Marks an active key invalid and unselects it. Returns whether it was selected, or null when
   * it was not active (already invalid, disabled or deleted), so concurrent reports log once.
   */
  async markInvalid(id: string, kind: string): Promise<{ wasSelected: boolean } | null> {
    const rows = returned<{ was_selected: boolean }>(
      await this.repo.query(
        `UPDATE provider_keys k
          SET status = 'invalid', selected = false, failure_count = k.failure_count + 1,
              total_failures = k.total_failures + 1, last_error = $2, last_failure_at = now(), updated_at = now()
         FROM (SELECT id, selected FROM provider_keys WHERE id = $1 AND status = 'active' FOR UPDATE) old
        WHERE k.id = old.id
        RETURNING old.selected AS was_selected`,
        [id, kind],
      ),
    );
    return rows[0] ? { wasSelected: rows[0].was_selected } : null;
  }

  /** Re-activates an invalid key (a successful test showed it works again). */
  async reactivate(id: string): Promise<boolean> {
    const result = await this.repo.update(
      { id, status: 'invalid' },
      { status: 'active', failureCount: 0, cooldownUntil: null },
    );
    return (result.affected ?? 0) > 0;
  }

  async recordCooldown(id: string, until: Date, kind: string): Promise<void> {
    await this.repo.query(
      `UPDATE provider_keys
          SET cooldown_until = $2, failure_count = failure_count + 1, total_failures = total_failures + 1,
              last_error = $3, last_failure_at = now(), updated_at = now()
        WHERE id = $1`,
      [id, until.toISOString(), kind],
    );
  }

  /** Selects a key if its owner has no selection for its provider yet (the failover's reselection). */
  async selectIfNoneSelected(id: string): Promise<boolean> {
    const rows = returned<{ id: string }>(
      await this.repo.query(
        `UPDATE provider_keys k SET selected = true, updated_at = now()
        WHERE k.id = $1 AND k.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM provider_keys o
                           WHERE o.owner_key = k.owner_key AND o.provider = k.provider AND o.selected)
        RETURNING k.id`,
        [id],
      ),
    );
    return rows.length > 0;
  }

  /** Last-used times and failure-streak resets, collected in memory and written in one statement each. */
  async recordUse(used: Array<{ id: string; at: Date }>, resetFailures: string[]): Promise<void> {
    if (used.length > 0) {
      const values = used.map((_, i) => `($${i * 2 + 1}::uuid, $${i * 2 + 2}::timestamptz)`).join(', ');
      await this.repo.query(
        `UPDATE provider_keys AS k SET last_used_at = v.at FROM (VALUES ${values}) AS v(id, at)
          WHERE k.id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.at)`,
        used.flatMap((u) => [u.id, u.at.toISOString()]),
      );
    }
    if (resetFailures.length > 0) {
      await this.repo.query(
        `UPDATE provider_keys SET failure_count = 0, cooldown_until = NULL
          WHERE id = ANY($1::uuid[]) AND (failure_count > 0 OR cooldown_until IS NOT NULL)`,
        [resetFailures],
      );
    }
  }

  /** The owner of a key, by id across tenants (system read: the failover bookkeeping). */
  async ownerOf(id: string): Promise<string | undefined> {
    const rows: Array<{ owner_key: string }> = await this.repo.query(
      'SELECT owner_key FROM provider_keys WHERE id = $1',
      [id],
    );
    return rows[0]?.owner_key;
  }

  /** Every key, for the in-memory index (system read). */
  async allForIndex(): Promise<ProviderKeyEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** One owner's keys, for the in-memory index (system read). */
  async ownerForIndex(ownerKey: string): Promise<ProviderKeyEntity[]> {
    return this.repo.find({ where: { ownerKey }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  private visible(visibility: KeyVisibility): SelectQueryBuilder<ProviderKeyEntity> {
    const qb = this.repo.createQueryBuilder('k');
    if (visibility.scope.kind === 'tenant') {
      qb.andWhere('k.tenant_id = :scopeTenant', { scopeTenant: visibility.scope.tenantId });
    }
    if (visibility.userId) qb.andWhere('k.user_id = :visibleUser', { visibleUser: visibility.userId });
    return qb;
  }

  private async unselectWhere(
    em: EntityManager,
    where: string,
    params: unknown[],
  ): Promise<SelectionChange[]> {
    const rows = returned<{ id: string; provider: string; last4: string; tenant_id: string | null }>(
      await em.query(
        `UPDATE provider_keys SET selected = false, updated_at = now() WHERE ${where}
         RETURNING id, provider, last4, tenant_id`,
        params,
      ),
    );
    return rows.map((r) => ({ id: r.id, provider: r.provider, last4: r.last4, tenantId: r.tenant_id }));
  }
}
