import promClient, { type Counter, type Histogram, type Registry } from 'prom-client';
import { MICROS_PER_CREDIT, type RateLimitKind, type SettledCall } from '@switchyard/core';
import { MetricLabels } from './metric-labels.js';

/** What the scrape-time gauges read (wired by the observability module). */
export interface GaugeSources {
  /** Every circuit breaker this instance has used. */
  breakers(): Iterable<{ provider: string; state: string }>;
  /** Vault keys per provider: usable, cooling down, marked invalid. */
  keys(): Iterable<{ provider: string; active: number; cooling: number; invalid: number }>;
  /** Reservations this instance holds and has not settled yet. */
  reservationsPending(): number;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const TTFT_SECONDS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30];
const BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128];
const LEDGER_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const MICROS = Number(MICROS_PER_CREDIT);

/** The pre-bound children of one (endpoint, provider, model): no `labels()` call on the hot path. */
interface CallSeries {
  calls: Map<string, Counter.Internal>;
  inputTokens: Counter.Internal;
  outputTokens: Counter.Internal;
  cachedTokens: Counter.Internal;
  credits: Counter.Internal;
  duration: Histogram.Internal<string>;
  ttft: Histogram.Internal<string>;
}

/**
 * The gateway's Prometheus instruments, in a registry of its own (several gateways may share a
 * process in tests). Label values are bounded: routes are the router's templates, providers and
 * models are capped to the catalog ({@link MetricLabels}), statuses and classes are enumerations;
 * never a user, tenant or key id. Children are bound once per label set and cached.
 */
export class GatewayMetrics {
  readonly registry: Registry;
  private readonly requests: Counter;
  private readonly requestDuration: Histogram;
  private readonly calls: Counter;
  private readonly callDuration: Histogram;
  private readonly ttft: Histogram;
  private readonly tokens: Counter;
  private readonly credits: Counter;
  private readonly upstreamErrors: Counter;
  private readonly failovers: Counter;
  private readonly rateLimits: Counter;
  private readonly ledgerBatchSize: Histogram.Internal<string>;
  private readonly ledgerBatchSeconds: Histogram.Internal<string>;
  private readonly cacheHits: Counter.Internal;
  private readonly cacheMisses: Counter.Internal;
  private readonly requestSeries = new Map<
    string,
    { count: Counter.Internal; seconds: Histogram.Internal<string> }
  >();
  private readonly callSeries = new Map<string, CallSeries>();
  private readonly errorSeries = new Map<string, Counter.Internal>();
  private readonly failoverSeries = new Map<string, Counter.Internal>();
  private readonly rateLimitSeries: Record<RateLimitKind, Counter.Internal>;
  private sources?: GaugeSources;

  constructor(readonly labels: MetricLabels) {
    const { Counter: C, Gauge: G, Histogram: H, Registry: R, collectDefaultMetrics } = promClient;
    const registry = new R();
    this.registry = registry;
    collectDefaultMetrics({ register: registry });
    const registers = [registry];
    this.requests = new C({
      name: 'switchyard_requests_total',
      help: 'HTTP requests answered, by route template, method, status code, provider and model that served.',
      labelNames: ['route', 'method', 'status', 'provider', 'model'],
      registers,
    });
    this.requestDuration = new H({
      name: 'switchyard_request_duration_seconds',
      help: 'HTTP request latency (until the last byte), by route template, provider and model.',
      labelNames: ['route', 'provider', 'model'],
      buckets: SECONDS,
      registers,
    });
    this.calls = new C({
      name: 'switchyard_calls_total',
      help: 'Metered model calls settled or released, by endpoint, provider, model and usage status.',
      labelNames: ['endpoint', 'provider', 'model', 'status'],
      registers,
    });
    this.callDuration = new H({
      name: 'switchyard_call_duration_seconds',
      help: 'Metered model call latency as the usage record holds it.',
      labelNames: ['endpoint', 'provider', 'model'],
      buckets: SECONDS,
      registers,
    });
    this.ttft = new H({
      name: 'switchyard_time_to_first_token_seconds',
      help: 'Time to the first token of streamed calls.',
      labelNames: ['endpoint', 'provider', 'model'],
      buckets: TTFT_SECONDS,
      registers,
    });
    this.tokens = new C({
      name: 'switchyard_tokens_total',
      help: 'Tokens of settled calls: input, output, and the cached part of the input.',
      labelNames: ['endpoint', 'provider', 'model', 'type'],
      registers,
    });
    this.credits = new C({
      name: 'switchyard_credits_charged_total',
      help: 'Credits charged for settled calls.',
      labelNames: ['endpoint', 'provider', 'model'],
      registers,
    });
    this.upstreamErrors = new C({
      name: 'switchyard_upstream_errors_total',
      help: 'Failed upstream attempts, by provider and error class (auth, rate_limit, timeout, server, circuit_open, ...).',
      labelNames: ['provider', 'class'],
      registers,
    });
    this.failovers = new C({
      name: 'switchyard_failovers_total',
      help: 'Calls moved from one model to another (before or during a stream).',
      labelNames: ['from_provider', 'to_provider', 'reason'],
      registers,
    });
    this.rateLimits = new C({
      name: 'switchyard_rate_limited_total',
      help: 'Requests refused by a rate limit: requests per minute, tokens per minute, or authentication attempts.',
      labelNames: ['limit'],
      registers,
    });
    this.rateLimitSeries = {
      requests: this.rateLimits.labels('requests'),
      tokens: this.rateLimits.labels('tokens'),
      auth: this.rateLimits.labels('auth'),
    };
    this.ledgerBatchSize = new H({
      name: 'switchyard_ledger_batch_size',
      help: 'Ledger ops (reservations and settlements) per group-commit statement.',
      buckets: BATCH_SIZES,
      registers,
    }).labels();
    this.ledgerBatchSeconds = new H({
      name: 'switchyard_ledger_batch_duration_seconds',
      help: 'Latency of one group-commit ledger statement.',
      buckets: LEDGER_SECONDS,
      registers,
    }).labels();
    const cache = new C({
      name: 'switchyard_cache_lookups_total',
      help: 'Response cache lookups, by result (hit or miss).',
      labelNames: ['result'],
      registers,
    });
    this.cacheHits = cache.labels('hit');
    this.cacheMisses = cache.labels('miss');
    // Present at 0 from the first scrape, so rates and alerts work before the first event.
    for (const child of [this.cacheHits, this.cacheMisses, ...Object.values(this.rateLimitSeries)])
      child.inc(0);

    // Gauges read their sources at scrape time: nothing to do on the hot path.
    const sources = () => this.sources;
    new G({
      name: 'switchyard_provider_keys',
      help: 'Vault provider keys by provider and state (active, cooling, invalid).',
      labelNames: ['provider', 'state'],
      registers,
      collect() {
        this.reset();
        for (const k of sources()?.keys() ?? []) {
          const provider = labels.provider(k.provider);
          this.inc({ provider, state: 'active' }, k.active);
          this.inc({ provider, state: 'cooling' }, k.cooling);
          this.inc({ provider, state: 'invalid' }, k.invalid);
        }
      },
    });
    new G({
      name: 'switchyard_circuit_breakers',
      help: 'Circuit breakers (one per model and endpoint) by provider and state (closed, open, half_open, isolated).',
      labelNames: ['provider', 'state'],
      registers,
      collect() {
        this.reset();
        for (const b of sources()?.breakers() ?? []) {
          this.inc({ provider: labels.provider(b.provider), state: b.state });
        }
      },
    });
    new G({
      name: 'switchyard_reservations_pending',
      help: 'Credit reservations this instance holds for calls in flight.',
      registers,
      collect() {
        this.set(sources()?.reservationsPending() ?? 0);
      },
    });
  }

  bindSources(sources: GaugeSources): void {
    this.sources = sources;
  }

  /** One answered HTTP request (`route` is the router's template, or `other`). */
  httpRequest(
    route: string,
    method: string,
    status: number,
    provider: string | undefined,
    model: string | undefined,
    seconds: number,
  ): void {
    const p = this.labels.provider(provider);
    const m = this.labels.model(model);
    const key = `${route}\u0000${method}\u0000${status}\u0000${p}\u0000${m}`;
    let series = this.requestSeries.get(key);
    if (!series) {
      series = {
        count: this.requests.labels(route, method, String(status), p, m),
        seconds: this.requestDuration.labels(route, p, m),
      };
      this.requestSeries.set(key, series);
    }
    series.count.inc();
    series.seconds.observe(seconds);
  }

  callSettled(call: SettledCall): void {
    const provider = this.labels.provider(call.provider);
    const model = this.labels.model(call.model);
    const key = `${call.endpoint}\u0000${provider}\u0000${model}`;
    let s = this.callSeries.get(key);
    if (!s) {
      const l = [call.endpoint, provider, model];
      s = {
        calls: new Map(),
        inputTokens: this.tokens.labels(...l, 'input'),
        outputTokens: this.tokens.labels(...l, 'output'),
        cachedTokens: this.tokens.labels(...l, 'cached'),
        credits: this.credits.labels(...l),
        duration: this.callDuration.labels(...l),
        ttft: this.ttft.labels(...l),
      };
      this.callSeries.set(key, s);
    }
    let calls = s.calls.get(call.status);
    if (!calls) {
      calls = this.calls.labels(call.endpoint, provider, model, call.status);
      s.calls.set(call.status, calls);
    }
    calls.inc();
    if (call.inputTokens > 0) s.inputTokens.inc(call.inputTokens);
    if (call.outputTokens > 0) s.outputTokens.inc(call.outputTokens);
    if (call.cachedInputTokens) s.cachedTokens.inc(call.cachedInputTokens);
    if (call.cost > 0n) s.credits.inc(Number(call.cost) / MICROS);
    if (call.latencyMs > 0) s.duration.observe(call.latencyMs / 1000);
    if (call.ttftMs !== undefined) s.ttft.observe(call.ttftMs / 1000);
  }

  upstreamError(provider: string, errorClass: string): void {
    const p = this.labels.provider(provider);
    const key = `${p}\u0000${errorClass}`;
    let child = this.errorSeries.get(key);
    if (!child) {
      child = this.upstreamErrors.labels(p, errorClass);
      this.errorSeries.set(key, child);
    }
    child.inc();
  }

  failover(from: string, to: string, reason: string): void {
    const fromProvider = this.labels.provider(from.slice(0, Math.max(0, from.indexOf('/'))));
    const toProvider = this.labels.provider(to.slice(0, Math.max(0, to.indexOf('/'))));
    // Reasons are error kinds; anything else (free text) is folded.
    const why = /^[a-z_ ]{1,32}$/.test(reason) ? reason : 'other';
    const key = `${fromProvider}\u0000${toProvider}\u0000${why}`;
    let child = this.failoverSeries.get(key);
    if (!child) {
      child = this.failovers.labels(fromProvider, toProvider, why);
      this.failoverSeries.set(key, child);
    }
    child.inc();
  }

  rateLimited(kind: RateLimitKind): void {
    this.rateLimitSeries[kind].inc();
  }

  ledgerBatch(size: number, ms: number): void {
    this.ledgerBatchSize.observe(size);
    this.ledgerBatchSeconds.observe(ms / 1000);
  }

  cacheLookup(hit: boolean): void {
    (hit ? this.cacheHits : this.cacheMisses).inc();
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
