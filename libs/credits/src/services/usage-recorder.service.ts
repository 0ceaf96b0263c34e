import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { UsageStatus } from '../entities/usage-record.entity.js';
import { MAX_USAGE_BATCH, UsageRepository, type UsageRow } from '../repositories/usage.repository.js';

/** One metered upstream call, as the pipeline reports it after the response. */
export interface UsageRecordInput {
  requestId: string;
  tenantId: string;
  userId: string;
  apiKeyId?: string;
  provider: string;
  model: string;
  /** e.g. `chat.completions`, `completions`, `embeddings`. */
  endpoint: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  /** Micro-credits charged. */
  cost: bigint;
  latencyMs: number;
  /** Time to first token (streams). */
  ttftMs?: number;
  status: UsageStatus;
  /** The classified error, when status is not ok (e.g. `rate_limit`, `timeout`). */
  errorClass?: string;
  /** When the call happened; defaults to when it was recorded. */
  at?: Date;
}

const FLUSH_EVERY_MS = 1_000;
const FLUSH_AT_ROWS = 500;
/** Beyond this many unwritten rows (the database is down) the oldest are dropped, loudly. */
const MAX_BUFFERED = 100_000;

const int = (n: number | undefined): number =>
  n === undefined || !Number.isFinite(n) ? 0 : Math.max(0, Math.round(n));

/**
 * Usage records, off the response path: `record` only appends to memory; rows are written in
 * one multi-row INSERT every second or every 500 rows, and on graceful shutdown (after the
 * in-flight requests have finished, before the database closes).
 */
@Injectable()
export class UsageRecorder implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(UsageRecorder.name);
  private buffer: UsageRow[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(private readonly usage: UsageRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Requests still draining after the first flush recorded more rows: write those too. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Buffers one record; never throws, never waits for the database. */
  record(row: UsageRecordInput): void {
    this.buffer.push({
      requestId: row.requestId,
      tenantId: row.tenantId,
      userId: row.userId,
      apiKeyId: row.apiKeyId ?? null,
      provider: row.provider,
      model: row.model,
      endpoint: row.endpoint,
      inputTokens: int(row.inputTokens),
      outputTokens: int(row.outputTokens),
      cachedInputTokens: int(row.cachedInputTokens),
      cost: row.cost < 0n ? 0n : row.cost,
      latencyMs: int(row.latencyMs),
      ttftMs: row.ttftMs === undefined ? null : int(row.ttftMs),
      status: row.status,
      errorClass: row.errorClass ?? null,
      at: row.at ?? new Date(),
    });
    if (this.buffer.length > MAX_BUFFERED) {
      const dropped = this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
      this.logger.error(`usage buffer full: dropped ${dropped.length} usage record(s)`);
    }
    if (this.buffer.length >= FLUSH_AT_ROWS) void this.flush();
  }

  /** Writes everything buffered so far. Resolves when it is written (or failed and kept for retry). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeAll());
    return this.flushing;
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, MAX_USAGE_BATCH);
      try {
        await this.usage.insertMany(batch);
      } catch (err) {
        // Keep them for the next flush; the order of usage rows does not matter.
        this.buffer.unshift(...batch);
        this.logger.error(`writing ${batch.length} usage record(s) failed: ${(err as Error).message}`);
        return;
      }
    }
  }
}
