import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig, RedisService } from '@switchyard/core';
import { ProviderError } from '@switchyard/providers';
import {
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { isTransient } from './provider-error.mapping.js';

const CHANNEL = 'sy:breaker:open';

/**
 * One circuit breaker per provider endpoint (provider id + base URL): after
 * CIRCUIT_BREAKER_THRESHOLD consecutive server failures the endpoint is skipped until a trial
 * call succeeds. When one instance opens a circuit it tells the others through Redis, so every
 * instance stops sending to a provider that is down.
 */
@Injectable()
export class CircuitBreakers implements OnModuleInit {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.redis.subscribe(CHANNEL, (message) => {
      const { id } = JSON.parse(message) as { id: string };
      // Our own announcement finds the breaker already open; others isolate theirs for a while.
      const breaker = this.for(id);
      if (breaker.state !== CircuitState.Closed) return;
      const isolation = breaker.isolate();
      setTimeout(() => isolation.dispose(), this.config.routing.breakerHalfOpenMs).unref();
    });
  }

  for(id: string): CircuitBreakerPolicy {
    let breaker = this.breakers.get(id);
    if (!breaker) {
      breaker = circuitBreaker(
        handleWhen((err) => err instanceof ProviderError && isTransient(err)),
        {
          halfOpenAfter: this.config.routing.breakerHalfOpenMs,
          breaker: new ConsecutiveBreaker(this.config.routing.breakerThreshold),
        },
      );
      breaker.onBreak(() => void this.redis.publish(CHANNEL, JSON.stringify({ id })).catch(() => undefined));
      this.breakers.set(id, breaker);
    }
    return breaker;
  }

  isOpen(id: string): boolean {
    const state = this.breakers.get(id)?.state;
    return state === CircuitState.Open || state === CircuitState.Isolated;
  }
}
