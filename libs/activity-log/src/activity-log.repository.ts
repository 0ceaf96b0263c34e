import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MonthlyPartitions, type DroppedPartition } from '@switchyard/core';
import type { Repository, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { ActivityAction, ActorType } from './activity-action.js';
import { ActivityLogEntity } from './activity-log.entity.js';

/**
 * Which tenants' entries a read may see: one tenant, or all (platform admins). Structurally the
 * same as libs/auth's TenantScope, so `scopeOf(caller)` can be passed as is.
 */
export type ActivityScope = { readonly kind: 'tenant'; readonly tenantId: string } | { readonly kind: 'all' };

export interface ActivityFilter {
  actions?: ActivityAction[];
  provider?: string;
  /** An actor id, or an actor label (case-insensitive). */
  actor?: string;
  actorType?: ActorType;
  keyId?: string;
  requestId?: string;
  /** Narrows a platform-wide read to one tenant. */
  tenantId?: string;
  from?: Date;
  to?: Date;
}

/** A row to insert: everything but the generated id. */
export type NewActivityRow = Omit<ActivityLogEntity, 'id'>;

@Injectable()
export class ActivityLogRepository {
  constructor(@InjectRepository(ActivityLogEntity) private readonly repo: Repository<ActivityLogEntity>) {}

  /** One multi-row INSERT; rows keep their order in the identity column. */
  async insertMany(rows: NewActivityRow[]): Promise<void> {
    if (rows.length === 0) return;
    // jsonb metadata is an open record, which TypeORM's deep-partial type cannot express.
    await this.repo
      .createQueryBuilder()
      .insert()
      .into(ActivityLogEntity)
      .values(rows as QueryDeepPartialEntity<ActivityLogEntity>[])
      .execute();
  }

  async list(
    scope: ActivityScope,
    filter: ActivityFilter,
    limit: number,
    offset: number,
  ): Promise<[ActivityLogEntity[], number]> {
    return this.query(scope, filter)
      .orderBy('a.occurred_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
  }

  /** Every matching entry, newest first, in pages read by keyset (no offset scans on exports). */
  async *each(
    scope: ActivityScope,
    filter: ActivityFilter,
    pageSize = 1000,
  ): AsyncGenerator<ActivityLogEntity[]> {
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const qb = this.query(scope, filter)
        .orderBy('a.occurred_at', 'DESC')
        .addOrderBy('a.id', 'DESC')
        .limit(pageSize);
      if (after)
        qb.andWhere('(a.occurred_at, a.id) < (:afterAt, :afterId)', { afterAt: after.at, afterId: after.id });
      const rows = await qb.getMany();
      if (rows.length === 0) return;
      yield rows;
      const last = rows[rows.length - 1]!;
      after = { at: last.occurredAt, id: last.id };
      if (rows.length < pageSize) return;
    }
  }

  /** Deletes entries older than `before` through the one path the append-only trigger allows. */
  async purgeBefore(before: Date): Promise<number> {
    const rows: Array<{ purged: string | number }> = await this.repo.query(
      'SELECT activity_log_purge($1::timestamptz) AS purged',
      [before.toISOString()],
    );
    return Number(rows[0]?.purged ?? 0);
  }

  /** The month partitions of activity_logs (decision 0019). */
  partitions(): MonthlyPartitions {
    return new MonthlyPartitions(this.repo.manager.connection, 'activity_logs');
  }

  /**
   * Retention: drops the month partitions whose entries are all older than `cutoff`, then purges
   * what is older than the oldest month left (entries that fell into the default partition).
   * Returns the partitions dropped and how many entries were purged one by one.
   */
  async dropBefore(cutoff: Date): Promise<{ dropped: DroppedPartition[]; purged: number }> {
    const partitions = this.partitions();
    const dropped = await partitions.dropBefore(cutoff);
    const [oldest] = await partitions.list();
    const monthStart = new Date(Date.UTC(cutoff.getUTCFullYear(), cutoff.getUTCMonth(), 1));
    const keepFrom = oldest && oldest.from < monthStart ? oldest.from : monthStart;
    return { dropped, purged: await this.purgeBefore(keepFrom) };
  }

  private query(scope: ActivityScope, filter: ActivityFilter): SelectQueryBuilder<ActivityLogEntity> {
    const qb = this.repo.createQueryBuilder('a');
    if (scope.kind === 'tenant') qb.andWhere('a.tenant_id = :scopeTenant', { scopeTenant: scope.tenantId });
    if (filter.tenantId) qb.andWhere('a.tenant_id = :tenantId', { tenantId: filter.tenantId });
    if (filter.actions?.length) qb.andWhere('a.action IN (:...actions)', { actions: filter.actions });
    if (filter.provider) qb.andWhere('a.provider = :provider', { provider: filter.provider });
    if (filter.actor) {
      qb.andWhere('(a.actor_id = :actor OR lower(a.actor_label) = lower(:actor))', { actor: filter.actor });
    }
    if (filter.actorType) qb.andWhere('a.actor_type = :actorType', { actorType: filter.actorType });
    if (filter.keyId) qb.andWhere('a.key_id = :keyId', { keyId: filter.keyId });
    if (filter.requestId) qb.andWhere('a.request_id = :requestId', { requestId: filter.requestId });
    if (filter.from) qb.andWhere('a.occurred_at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('a.occurred_at < :to', { to: filter.to });
    return qb;
  }
}
