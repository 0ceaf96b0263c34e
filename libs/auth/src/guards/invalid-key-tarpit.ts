import { Injectable } from '@nestjs/common';
import { AppConfig, boundedLru } from '@switchyard/core';

/** Client addresses remembered at once; the oldest are forgotten first. */
const ADDRESSES = 10_000;
const WINDOW_MS = 60_000;

interface Window {
  start: number;
  refusals: number;
}

/**
 * Slows down a client address that keeps sending invalid API keys. Each refusal is counted per
 * address per minute; past `INVALID_KEY_BUDGET_PER_MINUTE`, its answers (still the same 401) are
 * held for `INVALID_KEY_DELAY_MS`. A client that waits for its answers (an SDK, a script, a load
 * generator) can then send only as many guesses as it keeps connections open, per delay, and
 * stops taking the CPU that valid callers from other places (or the same one) need. Held answers
 * cost a timer each, no database and no upstream call. Valid keys are never held. Counted per
 * instance: a flood spread over several instances is slowed on each.
 */
@Injectable()
export class InvalidKeyTarpit {
  private readonly windows = boundedLru<string, Window>(ADDRESSES);
  private readonly budget: number;
  readonly delayMs: number;

  constructor(config: AppConfig) {
    this.budget = config.auth.invalidKeyBudgetPerMinute;
    this.delayMs = config.auth.invalidKeyDelayMs;
  }

  /** Counts a refusal for `address`; how long to hold its answer (0: answer now). */
  refused(address: string | undefined, now = Date.now()): number {
    if (this.delayMs === 0) return 0;
    const key = address ?? '';
    let window = this.windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) {
      window = { start: now, refusals: 0 };
      this.windows.set(key, window);
    }
    window.refusals++;
    return window.refusals > this.budget ? this.delayMs : 0;
  }
}
