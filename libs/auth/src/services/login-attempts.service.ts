import { Injectable } from '@nestjs/common';
import { AppConfig, CounterStore, RateLimitError } from '@switchyard/core';

/**
 * Brute-force protection per account: after LOGIN_MAX_FAILURES failures within
 * LOGIN_FAILURE_WINDOW_SECONDS, the account refuses logins (even correct ones) until the window
 * ends. Counted in the shared counter store, so it holds across instances.
 */
@Injectable()
export class LoginAttempts {
  constructor(
    private readonly config: AppConfig,
    private readonly counters: CounterStore,
  ) {}

  private key(email: string): string {
    return `login-fail:${email.toLowerCase()}`;
  }

  async assertAllowed(email: string): Promise<void> {
    const { count, ttlMs } = await this.counters.peek(this.key(email));
    if (count >= this.config.auth.loginMaxFailures) {
      throw new RateLimitError('Too many failed logins for this account. Try again later.', ttlMs / 1000, {
        code: 'too_many_login_attempts',
      });
    }
  }

  async recordFailure(email: string): Promise<void> {
    await this.counters.increment(this.key(email), this.config.auth.loginFailureWindowSeconds * 1000);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.counters.reset(this.key(email));
  }
}
