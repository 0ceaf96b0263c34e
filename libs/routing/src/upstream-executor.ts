import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig, NOOP_TELEMETRY, Telemetry, boundedLru, type AbortSource } from '@switchyard/core';
import {
  KEY_SOURCE,
  ProviderEnvironment,
  ProviderError,
  ProviderRegistry,
  REQUEST_KEY_ID,
  isSimulator,
  type CallOptions,
  type KeyScope,
  type KeySource,
  type ProviderAdapter,
  type ProviderCredentials,
  type ResolvedModel,
} from '@switchyard/providers';
import {
  BrokenCircuitError,
  ExponentialBackoff,
  IsolatedCircuitError,
  handleWhen,
  retry,
  type IPolicy,
} from 'cockatiel';
import { CircuitBreakers } from './circuit-breakers.js';
import type { PlannedTarget } from './target-planner.js';
import { PerformanceTracker } from './tracker/performance-tracker.js';
import {
  exhaustedErrorFor,
  isKeyError,
  isPolicyRefusal,
  isRequestError,
  isTransient,
  requestErrorFor,
} from './provider-error.mapping.js';

/** Who the call is for, for key selection and the activity log. */
export interface CallContext {
  requestId: string;
  tenantId: string;
  userId: string;
  apiKeyId?: string;
  ip?: string;
  /** A provider key the caller sent (X-Provider-Key). */
  requestKey?: string;
  /** Provider keys the caller sent for one provider each (X-OpenAI-API-Key...), by provider id. */
  requestKeys?: Readonly<Record<string, string>>;
  /** Aborted when the client goes away (a `CallAbort` on the gateway's own calls). */
  signal: AbortSource;
  /** Extra upstream headers (tests pass x-sim-fault through). */
  upstreamHeaders?: Record<string, string>;
}

/** What {@link callOptionsFor} gives: a call's options with the fields it always sets. */
export type UpstreamCallOptions = CallOptions & { signal: AbortSource; requestId: string; provider: string };

/**
 * The options of one upstream call for a caller, the same for every endpoint: the attempt's
 * signal, the target's timeout (within `deadlineMs`, an orchestration step's), the request id, and
 * the caller's fault-injection headers, which reach the simulator only.
 */
export function callOptionsFor(
  attempt: { target: ResolvedModel; signal: AbortSource },
  context: CallContext,
  limits: { stallTimeoutMs?: number; deadlineMs?: number } = {},
): UpstreamCallOptions {
  const { target } = attempt;
  const { stallTimeoutMs, deadlineMs } = limits;
  return {
    signal: attempt.signal,
    timeoutMs: deadlineMs !== undefined ? Math.min(target.timeoutMs, deadlineMs) : target.timeoutMs,
    requestId: context.requestId,
    provider: target.provider.id,
    headers: isSimulator(target.provider.id) ? context.upstreamHeaders : undefined,
    ...(stallTimeoutMs !== undefined && stallTimeoutMs > 0 ? { stallTimeoutMs } : {}),
  };
}

/** One upstream attempt: what to call and with what. */
export interface Attempt {
  adapter: ProviderAdapter;
  credentials: ProviderCredentials;
  target: ResolvedModel;
  signal: AbortSource;
}

export interface Served<T> {
  value: T;
  target: PlannedTarget;
  credentials: ProviderCredentials;
  /** Targets (models) tried before the one that served, for the FAILOVER record. */
  failedOver: string[];
}

/** Optional observer of failovers between models (the activity log plugs in). */
export interface FailoverObserver {
  modelFailover(
    from: string,
    to: string,
    reason: string,
    context: CallContext,
    details?: Record<string, unknown>,
  ): void;
}
export const FAILOVER_OBSERVER = Symbol('FAILOVER_OBSERVER');

/**
 * Runs one call against an ordered list of targets (models), with failover between keys and
 * between targets:
 * - a request error (bad request, context length, content filter) goes straight to the caller;
 * - a key error (401/403, 429, quota) is reported to the key source, which marks or cools the
 *   key, and the next key is tried at once;
 * - a transient error (5xx, timeout, network) is retried on the same key with exponential
 *   backoff and jitter (UPSTREAM_MAX_RETRIES); the call, retries and all, counts once against
 *   the model's circuit breaker at that endpoint; then the next target is tried;
 * - a base URL the outbound policy refuses belongs to that key: the next key is tried;
 * - when every key of every target is spent the caller gets 503 (504 / 502 for timeouts and
 *   provider failures).
 * Nothing here knows about streams: a streaming caller makes `call` resolve once the first chunk
 * has arrived, so a stream that already sent bytes is never retried.
 */
@Injectable()
export class UpstreamExecutor {
  private readonly logger = new Logger(UpstreamExecutor.name);
  private readonly retryPolicy: IPolicy;
  /** Calls per vault key on this instance, for `least-used` (bounded). */
  private readonly keyUse = boundedLru<string, number>(10_000);
  /** Round-robin turns per provider and caller scope. */
  private readonly keyTurns = boundedLru<string, number>(10_000);
  private readonly telemetry: Telemetry;

  constructor(
    config: AppConfig,
    private readonly registry: ProviderRegistry,
    private readonly environment: ProviderEnvironment,
    private readonly breakers: CircuitBreakers,
    private readonly tracker: PerformanceTracker,
    @Inject(KEY_SOURCE) private readonly keys: KeySource,
    @Inject(FAILOVER_OBSERVER) private readonly observer: FailoverObserver | null,
    @Optional() telemetry?: Telemetry,
  ) {
    this.telemetry = telemetry ?? NOOP_TELEMETRY;
    this.retryPolicy = retry(
      handleWhen((err) => err instanceof ProviderError && isTransient(err)),
      {
        maxAttempts: config.routing.maxRetries,
        backoff: new ExponentialBackoff({ initialDelay: config.routing.retryBaseMs, maxDelay: 5_000 }),
      },
    );
  }

  async execute<T>(
    targets: readonly PlannedTarget[],
    context: CallContext,
    call: (attempt: Attempt) => Promise<T>,
  ): Promise<Served<T>> {
    let last: ProviderError | undefined;
    const failedOver: string[] = [];
    const scope: KeyScope = {
      tenantId: context.tenantId,
      userId: context.userId,
      requestKey: context.requestKey,
      requestKeys: context.requestKeys,
    };
    for (const [index, target] of targets.entries()) {
      if (index > 0) {
        failedOver.push(targets[index - 1]!.id);
        this.observer?.modelFailover(targets[index - 1]!.id, target.id, last?.kind ?? 'no keys', context);
      }
      const adapter = this.registry.adapterFor(target.format);
      const credentials = this.spread(await this.keys.keysFor(target.provider.id, scope), target, scope);
      const defaultBaseUrl = this.environment.baseUrl(target.provider.id);
      const failedKeyIds: string[] = [];
      let triedAny = false;
      for (const creds of credentials) {
        const breaker = this.breakers.for(target, creds, defaultBaseUrl);
        triedAny = true;
        const attemptStarted = Date.now();
        const inFlight = this.tracker.begin(target.id);
        if (creds.keyId) this.keyUse.set(creds.keyId, (this.keyUse.get(creds.keyId) ?? 0) + 1);
        try {
          const value = await breaker.execute(
            ({ signal }) =>
              this.retryPolicy.execute(
                ({ signal: attemptSignal }) =>
                  this.attempt(call, { adapter, credentials: creds, target, signal: attemptSignal }),
                signal,
              ),
            // cockatiel only reads `aborted` and hands the signal back to the attempt.
            context.signal as AbortSignal,
          );
          this.tracker.firstToken(target.id, Date.now() - attemptStarted);
          this.keys.reportSuccess?.(creds, context, { failedKeyIds });
          return { value, target, credentials: creds, failedOver };
        } catch (err) {
          const error = this.classify(err, target, context.requestId);
          if (error.kind === 'aborted' || context.signal.aborted) throw error;
          // Attempts count their own failures; these never reached the provider.
          if (error.upstreamCode === 'circuit_open' || error.upstreamCode === 'adapter_error') {
            this.telemetry.upstreamError(target.provider.id, error.upstreamCode);
          }
          this.tracker.failure(
            target.id,
            error.upstreamCode === 'circuit_open' ? 'circuit_open' : error.kind,
          );
          if (isRequestError(error)) throw requestErrorFor(error);
          last = error;
          if (isKeyError(error) || isPolicyRefusal(error)) {
            if (creds.keyId) failedKeyIds.push(creds.keyId);
            await this.keys.reportFailure?.(creds, error, context);
            continue;
          }
          // A provider-level failure: other keys of this endpoint would fail alike.
          break;
        } finally {
          inFlight();
        }
      }
      if (!triedAny) await this.keys.reportExhausted?.(target.provider.id, context);
      else if (last && isKeyError(last)) await this.keys.reportExhausted?.(target.provider.id, context);
    }
    throw exhaustedErrorFor(targets[0]?.requested ?? 'the model', last);
  }

  /**
   * One upstream attempt (each retry is one), with its trace span and, when it fails, its error
   * class counted. The span of the attempt that serves stays open until the call settles.
   */
  private async attempt<T>(call: (attempt: Attempt) => Promise<T>, attempt: Attempt): Promise<T> {
    const { target } = attempt;
    const span = this.telemetry.upstreamAttempt(target.provider.id, target.id, target.upstreamModel);
    try {
      const value = await call(attempt);
      this.telemetry.attemptServed(span);
      return value;
    } catch (err) {
      span.end(err);
      if (err instanceof ProviderError && err.kind !== 'aborted') {
        this.telemetry.upstreamError(target.provider.id, err.kind);
      }
      throw err;
    }
  }

  /**
   * The keys in the order the target's key strategy wants: `ordered` (selection, then pools in
   * creation order) as the key source gives them; `round-robin` starts one further each call;
   * `least-used` takes the key this instance used least first. A key the caller sent stays first.
   */
  private spread(
    credentials: ProviderCredentials[],
    target: PlannedTarget,
    scope: KeyScope,
  ): ProviderCredentials[] {
    const strategy = target.keyStrategy ?? 'ordered';
    if (strategy === 'ordered' || credentials.length < 2) return credentials;
    // The caller's own key stays first and the environment's stays last resort: the vault pool is spread.
    const pinned = credentials.filter((c) => c.keyId === REQUEST_KEY_ID);
    const last = credentials.filter(
      (c) => c.keyId !== REQUEST_KEY_ID && (!c.keyId || c.keyId.startsWith('env:')),
    );
    const pool = credentials.filter(
      (c) => c.keyId && c.keyId !== REQUEST_KEY_ID && !c.keyId.startsWith('env:'),
    );
    if (pool.length < 2) return credentials;
    if (strategy === 'round-robin') {
      const counter = `${target.provider.id}|${scope.tenantId ?? ''}|${scope.userId ?? ''}`;
      const turn = this.keyTurns.get(counter) ?? 0;
      this.keyTurns.set(counter, turn + 1);
      const k = turn % pool.length;
      return [...pinned, ...pool.slice(k), ...pool.slice(0, k), ...last];
    }
    const uses = (c: ProviderCredentials) => this.keyUse.get(c.keyId!) ?? 0;
    const spread = pool
      .map((c, i) => ({ c, i }))
      .sort((a, b) => uses(a.c) - uses(b.c) || a.i - b.i)
      .map((x) => x.c);
    return [...pinned, ...spread, ...last];
  }

  private classify(err: unknown, target: ResolvedModel, requestId: string): ProviderError {
    if (err instanceof ProviderError) return err;
    if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
      return new ProviderError('server', `${target.provider.name} is failing; its circuit is open.`, {
        provider: target.provider.id,
        upstreamCode: 'circuit_open',
      });
    }
    if (err instanceof Error && err.name === 'TaskCancelledError') {
      return new ProviderError('aborted', 'The request was cancelled.', { provider: target.provider.id });
    }
    // Named here: a model call does not run in the request context the log mixin reads (decision 0037).
    this.logger.error({ err, req: { id: requestId } }, 'unexpected error from an adapter');
    return new ProviderError('server', 'The provider adapter failed unexpectedly.', {
      provider: target.provider.id,
      upstreamCode: 'adapter_error',
    });
  }
}
