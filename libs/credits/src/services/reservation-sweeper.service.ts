import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '@switchyard/core';
import { LedgerRepository } from '../repositories/ledger.repository.js';
import { LiveReservations } from './live-reservations.js';

const SWEEP_BATCH = 500;

/**
 * Releases reservations whose request died with its process: at start, then every
 * CREDITS_SWEEP_INTERVAL_SECONDS. Meanwhile it renews the reservations this process still
 * serves (every third of RESERVATION_TTL_SECONDS), so a long stream is never released under it.
 * Several instances may sweep at once (SKIP LOCKED). On the embedded database there is only
 * ever one process, so at start every pending reservation is a dead one and is released at once.
 */
@Injectable()
export class ReservationSweeper
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(ReservationSweeper.name);
  private sweepTimer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly ledger: LedgerRepository,
    private readonly live: LiveReservations,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.run(() => this.sweep({ all: this.config.embeddedDatabase }));
    const { sweepIntervalSeconds, reservationTtlSeconds } = this.config.credits;
    this.sweepTimer = setInterval(() => void this.run(() => this.sweep()), sweepIntervalSeconds * 1000);
    this.sweepTimer.unref();
    const renewMs = Math.max(1, Math.floor(reservationTtlSeconds / 3)) * 1000;
    this.renewTimer = setInterval(() => void this.run(() => this.renew()), renewMs);
    this.renewTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop();
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop();
    await this.running;
  }

  /**
   * Releases every pending reservation past its expiry (or every pending one, with `all`).
   * Returns how many were released.
   */
  async sweep(options: { all?: boolean } = {}): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.ledger.sweep(SWEEP_BATCH, options.all ?? false);
      total += n;
      if (n < SWEEP_BATCH) break;
    }
    if (total > 0) this.logger.warn(`released ${total} credit reservation(s) whose request did not finish`);
    return total;
  }

  /** Pushes on the expiry of the reservations this process is still serving. */
  async renew(): Promise<void> {
    await this.ledger.renew(this.live.ids(), this.config.credits.reservationTtlSeconds);
  }

  private stop(): void {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    clearInterval(this.renewTimer);
  }

  /** One job at a time; a failure is logged and the next tick tries again. */
  private run(job: () => Promise<unknown>): Promise<unknown> {
    this.running = this.running.then(async () => {
      if (this.stopped) return;
      try {
        await job();
      } catch (err) {
        this.logger.error(`credit reservation upkeep failed: ${(err as Error).message}`);
      }
    });
    return this.running;
  }
}
