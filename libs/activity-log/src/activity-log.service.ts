import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { AppConfig, PermissionDeniedError, page, type Page } from '@switchyard/core';
import { SYSTEM_ACTOR, type ActivityEntry } from './activity-action.js';
import { currentRequestContext } from './activity-context.js';
import type { ActivityLogEntity } from './activity-log.entity.js';
import {
  ActivityLogRepository,
  type ActivityFilter,
  type ActivityScope,
  type NewActivityRow,
} from './activity-log.repository.js';
import { isMasked, maskKey } from './mask-key.js';

/** Entries per INSERT; reaching it also triggers a flush before the timer. */
export const ACTIVITY_BATCH_SIZE = 500;
/** Beyond this many unwritten entries (the database is down for long) the oldest are dropped, loudly. */
const MAX_BUFFERED = 200_000;
const PURGE_EVERY_MS = 3_600_000;
const FIRST_PURGE_AFTER_MS = 60_000;
const MAX_DESCRIPTION = 2_000;

/** The caller fields reads are authorised on (structural: no dependency on libs/auth). */
export interface ActivityReader {
  role: string;
  tenantId: string;
}

/**
 * The audit trail. `record()` is synchronous and cheap: entries are buffered and written in
 * batches off the request path (every ACTIVITY_LOG_FLUSH_MS or every 500 entries), and whatever
 * is buffered is written before the database closes on a graceful shutdown.
 */
@Injectable()
export class ActivityLogService
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(ActivityLogService.name);
  private buffer: NewActivityRow[] = [];
  private writing?: Promise<void>;
  private flushTimer?: NodeJS.Timeout;
  private purgeTimer?: NodeJS.Timeout;
  private purgeInterval?: NodeJS.Timeout;
  private dropped = 0;
  private inFlight = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly repo: ActivityLogRepository,
  ) {}

  onModuleInit(): void {
    this.flushTimer = setInterval(() => void this.flushQuietly(), this.config.activityLog.flushMs);
    this.flushTimer.unref();
    // Partitions ahead are needed whatever the retention; the first pass waits for the boot to settle.
    this.purgeTimer = setTimeout(() => {
      void this.purgeQuietly();
      this.purgeInterval = setInterval(() => void this.purgeQuietly(), PURGE_EVERY_MS);
      this.purgeInterval.unref();
    }, FIRST_PURGE_AFTER_MS);
    this.purgeTimer.unref();
  }

  /** The month partitions ahead exist before the first request (the migration made them too). */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.repo.partitions().ensureAhead();
    } catch (err) {
      this.warn('creating activity_logs partitions failed (retried within the hour)', err);
    }
  }

  /** Buffers one entry; it reaches the database within ACTIVITY_LOG_FLUSH_MS. Never throws. */
  record(entry: ActivityEntry): void {
    const context = currentRequestContext();
    const actor = entry.actor ?? SYSTEM_ACTOR;
    const hint = entry.keyHint ?? null;
    this.buffer.push({
      occurredAt: entry.at ?? new Date(),
      tenantId: entry.tenantId ?? null,
      actorType: actor.type,
      actorId: actor.id ?? null,
      actorLabel: actor.label ?? null,
      action: entry.action,
      provider: entry.provider ?? null,
      keyId: entry.keyId ?? null,
      // A hint that is not already masked is masked here: a slip at a call site never stores a key.
      keyHint: hint === null ? null : isMasked(hint) ? hint : maskKey(hint),
      description: (entry.description ?? '').slice(0, MAX_DESCRIPTION),
      requestId: entry.requestId ?? context.requestId ?? null,
      ip: entry.ip ?? context.ip ?? null,
      metadata: entry.metadata ?? null,
    });
    if (this.buffer.length > MAX_BUFFERED) {
      const excess = this.buffer.length - MAX_BUFFERED;
      this.buffer.splice(0, excess);
      this.dropped += excess;
      this.logger.error(`activity log buffer full: ${this.dropped} oldest entries dropped so far`);
    }
    if (this.buffer.length >= ACTIVITY_BATCH_SIZE && !this.writing) void this.flushQuietly();
  }

  /** Entries recorded but not yet written (including a batch being written now). */
  get pending(): number {
    return this.buffer.length + this.inFlight;
  }

  /** Writes everything recorded so far; rejects (keeping the entries) when the database fails. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      if (this.buffer.length === 0) return;
      this.writing = this.writeBatch().finally(() => (this.writing = undefined));
      await this.writing;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearTimeout(this.purgeTimer);
    clearInterval(this.purgeInterval);
    await this.flushQuietly();
  }

  /** Requests still draining recorded more after beforeApplicationShutdown; the database is still open. */
  async onApplicationShutdown(): Promise<void> {
    for (let attempt = 1; attempt <= 3 && this.buffer.length > 0; attempt++) {
      try {
        await this.flush();
      } catch (err) {
        this.warn(`final flush attempt ${attempt} failed`, err);
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    if (this.buffer.length > 0) {
      this.logger.error(`${this.buffer.length} activity log entries could not be written before shutdown`);
    }
  }

  async list(
    reader: ActivityReader,
    filter: ActivityFilter,
    limit: number,
    offset: number,
  ): Promise<Page<ActivityLogEntity>> {
    const scope = this.scopeFor(reader);
    const [rows, total] = await this.repo.list(scope, filter, limit, offset);
    return page(rows, total, { limit, offset });
  }

  /** Every matching entry, newest first, in pages (for the CSV export). */
  each(reader: ActivityReader, filter: ActivityFilter): AsyncGenerator<ActivityLogEntity[]> {
    return this.repo.each(this.scopeFor(reader), filter);
  }

  /**
   * Creates the month partitions ahead (this month and the next three), then applies
   * ACTIVITY_RETENTION_DAYS: drops every month whose entries are all older, and purges older
   * entries that fell outside the months (the default partition). Returns how many entries were
   * purged one by one; whole months dropped are logged.
   */
  async purgeExpired(now = new Date()): Promise<number> {
    const partitions = this.repo.partitions();
    const created = await partitions.ensureAhead();
    if (created > 0) this.logger.log(`created ${created} activity_logs partition(s)`);
    const days = this.config.activityLog.retentionDays;
    if (days <= 0) return 0;
    const { dropped, purged } = await this.repo.dropBefore(new Date(now.getTime() - days * 86_400_000));
    for (const p of dropped) {
      this.logger.log(
        `dropped ${p.name} (entries older than ${days} days; detach ${p.detachMs.toFixed(1)} ms, drop ${p.dropMs.toFixed(1)} ms)`,
      );
    }
    if (purged > 0) this.logger.log(`purged ${purged} activity log entries older than ${days} days`);
    return purged;
  }

  /** Platform admins read everything; tenant admins their tenant (a tenant_id filter only narrows); members nothing. */
  private scopeFor(reader: ActivityReader): ActivityScope {
    if (reader.role === 'platform_admin') return { kind: 'all' };
    if (reader.role !== 'tenant_admin') {
      throw new PermissionDeniedError('The activity log is for tenant and platform admins.');
    }
    return { kind: 'tenant', tenantId: reader.tenantId };
  }

  private async writeBatch(): Promise<void> {
    const batch = this.buffer.splice(0, ACTIVITY_BATCH_SIZE);
    this.inFlight = batch.length;
    try {
      await this.repo.insertMany(batch);
    } catch (err) {
      // Back to the front, in order: the next flush retries them.
      this.buffer.unshift(...batch);
      throw err;
    } finally {
      this.inFlight = 0;
    }
  }

  private async purgeQuietly(): Promise<void> {
    try {
      await this.purgeExpired();
    } catch (err) {
      this.warn('activity log partition maintenance failed', err);
    }
  }

  private async flushQuietly(): Promise<void> {
    try {
      await this.flush();
    } catch (err) {
      this.warn(`could not write ${this.buffer.length} activity log entries (will retry)`, err);
    }
  }

  private warn(message: string, err: unknown): void {
    this.logger.warn(`${message}: ${(err as Error).message}`);
  }
}
