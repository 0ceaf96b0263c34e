import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfig, type DroppedPartition } from '@switchyard/core';
import { UsageRepository } from '../repositories/usage.repository.js';

const EVERY_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Keeps usage_records' month partitions (decision 0019): at start and then hourly it creates the
 * partitions of this month and the next three, and with USAGE_RETENTION_DAYS set it drops every
 * month whose calls are all older than that (with their daily rollups). Several instances may run
 * it at once: creating is idempotent, and a partition another instance dropped first is skipped
 * at the next pass.
 */
@Injectable()
export class UsageRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(UsageRetention.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    private readonly usage: UsageRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.quietly(() => this.run());
    this.timer = setInterval(() => void this.quietly(() => this.run()), EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: partitions ahead, then retention. Returns the partitions dropped. */
  async run(now = new Date()): Promise<DroppedPartition[]> {
    const created = await this.usage.partitions().ensureAhead();
    if (created > 0) this.logger.log(`created ${created} usage_records partition(s)`);
    const days = this.config.credits.usageRetentionDays;
    if (days <= 0) return [];
    const dropped = await this.usage.dropBefore(new Date(now.getTime() - days * DAY_MS));
    for (const p of dropped) {
      this.logger.log(
        `dropped ${p.name} (usage older than ${days} days; detach ${p.detachMs.toFixed(1)} ms, drop ${p.dropMs.toFixed(1)} ms)`,
      );
    }
    return dropped;
  }

  private quietly(fn: () => Promise<unknown>): Promise<unknown> {
    this.running = this.running.then(fn).catch((err: unknown) => {
      this.logger.warn(
        `usage partition maintenance failed (retried within the hour): ${(err as Error).message}`,
      );
    });
    return this.running;
  }
}
