import { createHash } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ActivityLogService, SYSTEM_ACTOR } from '@switchyard/activity-log';
import { AppConfig, RedisService } from '@switchyard/core';
import { ProviderError, type ProviderCredentials, type ResolvedModel } from '@switchyard/providers';
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
 * Breakers kept at once. Providers that take any model name (Ollama, vLLM, runtime providers)
 * let a caller mint one per name; past this the least recently used closed one is forgotten.
 */
export const MAX_BREAKERS = 2_000;

/** What a breaker guards: one model at one endpoint. */
export interface BreakerTarget {
  provider: string;
  model: string;
  /** `default` for the provider's configured URL, else `custom:<hash>` (a key's own base URL). */
  endpoint: string;
}

/** A breaker's state as the readiness check and the console show it. */
export interface BreakerView extends BreakerTarget {
  state: 'closed' | 'open' | 'half_open' | 'isolated';
  /** When it last opened (ISO), if it has. */
  opened_at: string | null;
}

interface Entry {
  target: BreakerTarget;
  policy: CircuitBreakerPolicy;
  /** Its count of transient failures in a row (`state`), which forgetting the entry would lose. */
  counter: ConsecutiveBreaker;
  openedAt: Date | null;
  /** Isolated because another instance opened its circuit: that instance logs, not this one. */
  peerIsolated: boolean;
  /** When it was last asked for, in the order of this instance's uses (for forgetting). */
  usedAt: number;
}

function stateName(state: CircuitState): BreakerView['state'] {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half_open';
    case CircuitState.Isolated:
      return 'isolated';
  }
}

/**
 * One circuit breaker per model per endpoint (provider, base URL, model): a model that keeps
 * failing is skipped without taking its siblings on the same provider down. A call counts once,
 * whatever its retries (the executor wraps the retried call, not each attempt). After
 * CIRCUIT_BREAKER_THRESHOLD consecutive failed calls the circuit opens; after
 * CIRCUIT_BREAKER_HALF_OPEN_MS one probe call is let through, and its success closes it again.
 * Opening and closing are activity-log events; when one instance opens a circuit it tells the
 * others through Redis, which isolate theirs for the same while.
 */
@Injectable()
export class CircuitBreakers implements OnModuleInit {
  private readonly breakers = new Map<string, Entry>();
  private uses = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly activity: ActivityLogService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.redis.subscribe(CHANNEL, (message) => {
      const { id, target } = JSON.parse(message) as { id: string; target: BreakerTarget };
      // Our own announcement finds the breaker already open; others isolate theirs for a while.
      const entry = this.entry(id, target);
      if (entry.policy.state !== CircuitState.Closed) return;
      entry.peerIsolated = true;
      const isolation = entry.policy.isolate();
      entry.openedAt = new Date();
      setTimeout(() => isolation.dispose(), this.config.routing.breakerHalfOpenMs).unref();
    });
  }

  /** The breaker of this model at the endpoint these credentials reach. */
  for(
    target: ResolvedModel,
    credentials: ProviderCredentials,
    defaultBaseUrl?: string,
  ): CircuitBreakerPolicy {
    const endpoint =
      !defaultBaseUrl || credentials.baseUrl === defaultBaseUrl
        ? 'default'
        : `custom:${createHash('sha256').update(credentials.baseUrl).digest('hex').slice(0, 8)}`;
    const id = `${target.provider.id}|${endpoint}|${target.model.id}`;
    return this.entry(id, { provider: target.provider.id, model: target.model.id, endpoint }).policy;
  }

  /** Every breaker this instance has used, for readiness details. */
  views(): BreakerView[] {
    return [...this.breakers.values()].map((e) => ({
      ...e.target,
      state: stateName(e.policy.state),
      opened_at: e.openedAt?.toISOString() ?? null,
    }));
  }

  private entry(id: string, target: BreakerTarget): Entry {
    const entry = this.breakers.get(id);
    if (entry) {
      entry.usedAt = ++this.uses;
      return entry;
    }
    if (this.breakers.size >= MAX_BREAKERS) this.forgetLeastRecent();
    const counter = new ConsecutiveBreaker(this.config.routing.breakerThreshold);
    const policy = circuitBreaker(
      handleWhen((err) => err instanceof ProviderError && isTransient(err)),
      { halfOpenAfter: this.config.routing.breakerHalfOpenMs, breaker: counter },
    );
    const created: Entry = {
      target,
      policy,
      counter,
      openedAt: null,
      peerIsolated: false,
      usedAt: ++this.uses,
    };
    policy.onBreak(() => {
      if (created.peerIsolated) return;
      created.openedAt = new Date();
      this.record('CIRCUIT_OPEN', target, {
        description: `The circuit of ${target.provider}/${target.model} opened after ${this.config.routing.breakerThreshold} failed calls in a row; calls skip it for ${this.config.routing.breakerHalfOpenMs} ms, then one probe is let through.`,
      });
      void this.redis.publish(CHANNEL, JSON.stringify({ id, target })).catch(() => undefined);
    });
    policy.onReset(() => {
      // A closed circuit starts from no failures, however it closed: cockatiel counts none down
      // when a probe ends in an error the breaker does not handle (a 400), nor for calls that
      // failed while a peer held it isolated, and a count left at the threshold would reopen it
      // on the next transient failure (and keep it from being forgotten first at the cap).
      counter.success();
      if (created.peerIsolated) {
        created.peerIsolated = false;
        return;
      }
      this.record('CIRCUIT_CLOSE', target, {
        description: `The circuit of ${target.provider}/${target.model} closed: a probe call succeeded.`,
      });
    });
    this.breakers.set(id, created);
    return created;
  }

  /**
   * Drops the closed breaker asked for least recently (a scan, only when a new one comes at the
   * cap), preferring one with no transient failures in a row: forgetting a breaker with some
   * would give its model a fresh count, so it goes only when every closed one has some. One
   * that is open, half open or isolated stays: forgetting it would let calls through to a
   * failing model early. Should every one be (a cap's worth of failing models), the map goes
   * past the cap rather than forget a circuit.
   */
  private forgetLeastRecent(): void {
    let clean: string | undefined;
    let cleanAt = Infinity;
    let failing: string | undefined;
    let failingAt = Infinity;
    for (const [id, entry] of this.breakers) {
      if (entry.policy.state !== CircuitState.Closed) continue;
      if (entry.counter.state === 0) {
        if (entry.usedAt < cleanAt) [clean, cleanAt] = [id, entry.usedAt];
      } else if (entry.usedAt < failingAt) [failing, failingAt] = [id, entry.usedAt];
    }
    const oldest = clean ?? failing;
    if (oldest !== undefined) this.breakers.delete(oldest);
  }

  private record(
    action: 'CIRCUIT_OPEN' | 'CIRCUIT_CLOSE',
    target: BreakerTarget,
    details: { description: string },
  ) {
    this.activity.record({
      action,
      tenantId: null,
      actor: SYSTEM_ACTOR,
      provider: target.provider,
      description: details.description,
      metadata: {
        model: target.model,
        endpoint: target.endpoint,
        threshold: this.config.routing.breakerThreshold,
      },
    });
  }
}
