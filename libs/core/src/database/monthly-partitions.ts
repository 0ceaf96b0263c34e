import type { DataSource } from 'typeorm';

/** One month partition of a table partitioned by range on a timestamp (decision 0019). */
export interface MonthPartition {
  /** `<parent>_pYYYYMM` */
  name: string;
  /** First instant of the month (UTC). */
  from: Date;
  /** First instant of the next month: every row in the partition is older. */
  to: Date;
}

/** What one retention pass did to one partition, and how long the parent's lock was held. */
export interface DroppedPartition extends MonthPartition {
  /** Milliseconds the DETACH took (the only step that locks the parent). */
  detachMs: number;
  /** Milliseconds the DROP of the detached table took (locks only that table). */
  dropMs: number;
}

/**
 * How long retention waits for the parent's lock before giving up until the next pass: DETACH
 * queues behind running reads of the parent, and every insert would queue behind it.
 */
export const DETACH_LOCK_TIMEOUT_MS = 1_000;

const MONTH_SUFFIX = /_p(\d{4})(\d{2})$/;

/**
 * The month partitions of one table created by the UsagePartitions migration: created ahead by
 * the database function `monthly_partitions_ensure` (the current month and the next three), and
 * dropped whole once every row in them is past retention. Rows outside every month land in the
 * `<parent>_default` partition, which is why DETACH cannot be CONCURRENTLY (Postgres refuses it
 * while a default partition exists): the detach runs under a short lock_timeout instead, so it
 * never makes writers wait long, and it is retried at the next pass when it cannot get the lock.
 */
export class MonthlyPartitions {
  constructor(
    private readonly db: DataSource,
    readonly parent: string,
  ) {}

  /** Creates the partitions of this month and the next three that are missing; returns how many. */
  async ensureAhead(): Promise<number> {
    const rows: Array<{ created: number }> = await this.db.query(
      'SELECT monthly_partitions_ensure($1, now()) AS created',
      [this.parent],
    );
    return Number(rows[0]?.created ?? 0);
  }

  /** The month partitions attached now, oldest first (not the default partition). */
  async list(): Promise<MonthPartition[]> {
    const rows: Array<{ name: string }> = await this.db.query(
      `SELECT c.relname AS name
         FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = to_regclass($1)`,
      [this.parent],
    );
    return rows
      .map((r) => monthOf(r.name))
      .filter((p): p is MonthPartition => p !== null)
      .sort((a, b) => a.from.getTime() - b.from.getTime());
  }

  /**
   * Detaches and drops every month partition whose rows are all older than `cutoff`. A partition
   * whose lock cannot be had within DETACH_LOCK_TIMEOUT_MS stays for the next pass.
   */
  async dropBefore(cutoff: Date): Promise<DroppedPartition[]> {
    const dropped: DroppedPartition[] = [];
    for (const p of await this.list()) {
      if (p.to.getTime() > cutoff.getTime()) break;
      const detachStart = performance.now();
      try {
        await this.db.transaction(async (tx) => {
          await tx.query(`SET LOCAL lock_timeout = '${DETACH_LOCK_TIMEOUT_MS}ms'`);
          await tx.query(`ALTER TABLE "${this.parent}" DETACH PARTITION "${p.name}"`);
        });
      } catch (err) {
        // lock_not_available: a long read holds the parent; the older months go first, so stop.
        const e = err as { code?: string; driverError?: { code?: string } };
        if ((e.driverError?.code ?? e.code) === '55P03') break;
        throw err;
      }
      const detachMs = performance.now() - detachStart;
      const dropStart = performance.now();
      await this.db.query(`DROP TABLE "${p.name}"`);
      dropped.push({ ...p, detachMs, dropMs: performance.now() - dropStart });
    }
    return dropped;
  }
}

/** The month a partition name stands for, or null for a name that is not `<parent>_pYYYYMM`. */
export function monthOf(name: string): MonthPartition | null {
  const m = MONTH_SUFFIX.exec(name);
  if (!m) return null;
  const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  const to = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1));
  return { name, from, to };
}
