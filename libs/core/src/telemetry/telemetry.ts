/**
 * The gateway's instruments as the lower layers see them: a port with a no-op default, so auth,
 * credits, routing and the key vault record metrics and trace spans without depending on
 * prom-client or OpenTelemetry. `libs/observability` implements it and the gateway binds it
 * (`@switchyard/observability`); without that binding (unit tests, tools) every call is a no-op.
 * Every method is synchronous, never throws and never waits: it runs on the hot path.
 */

/** A span in the current request's trace; the no-op one when tracing is off. */
export interface TelemetrySpan {
  setAttribute(key: string, value: string | number | boolean): void;
  /** Ends the span; an error marks it failed (its class and message, never a credential). */
  end(error?: unknown): void;
}

/** One metered call as it settled (or was released): what the usage record holds, minus who. */
export interface SettledCall {
  /** e.g. `chat.completions`, `embeddings`. */
  endpoint: string;
  /** Provider id and model id (`provider/model`) as served; capped to the catalog by the metrics. */
  provider: string;
  model: string;
  /** The usage record's status (`ok`, `error`, ...). */
  status: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  /** Micro-credits charged. */
  cost: bigint;
  latencyMs: number;
  ttftMs?: number;
}

/** Which limit refused a request. */
export type RateLimitKind = 'requests' | 'tokens' | 'auth';

/** The instruments. Inject `Telemetry` with `@Optional()` and fall back to {@link NOOP_TELEMETRY}. */
export abstract class Telemetry {
  /** A call was settled or released (tokens, credits, latency, time to first token). */
  abstract callSettled(call: SettledCall): void;
  /** An upstream attempt failed with this error class (the ProviderError kind). */
  abstract upstreamError(provider: string, errorClass: string): void;
  /** A call moved from one model to another (`from` and `to` are `provider/model` ids). */
  abstract failover(from: string, to: string, reason: string): void;
  /** The rate limiter refused a request. */
  abstract rateLimited(kind: RateLimitKind): void;
  /** The ledger's group-commit batcher ran one statement of `size` ops in `ms`. */
  abstract ledgerBatch(size: number, ms: number): void;
  /** The response cache looked a request up. */
  abstract cacheLookup(hit: boolean): void;
  /** A child span of the current request's span (`switchyard.auth`, `switchyard.settlement`, ...). */
  abstract startSpan(name: string): TelemetrySpan;
  /**
   * A span for one upstream attempt (GenAI conventions: `gen_ai.system`, `gen_ai.request.model`)
   * of `model` (`provider/model`), sent upstream as `upstreamModel`. End it with the error when
   * the attempt fails; hand it to {@link attemptServed} when it succeeds: it is then ended at
   * settlement, with the response model and token usage.
   */
  abstract upstreamAttempt(provider: string, model: string, upstreamModel: string): TelemetrySpan;
  /** The attempt served the call; its span stays open until the call settles (or the request ends). */
  abstract attemptServed(span: TelemetrySpan): void;
}

const NOOP_SPAN: TelemetrySpan = {
  setAttribute: () => undefined,
  end: () => undefined,
};

/** Records nothing; costs a call each. */
export class NoopTelemetry extends Telemetry {
  callSettled(): void {}
  upstreamError(): void {}
  failover(): void {}
  rateLimited(): void {}
  ledgerBatch(): void {}
  cacheLookup(): void {}
  startSpan(): TelemetrySpan {
    return NOOP_SPAN;
  }
  upstreamAttempt(): TelemetrySpan {
    return NOOP_SPAN;
  }
  attemptServed(): void {}
}

export const NOOP_TELEMETRY: Telemetry = new NoopTelemetry();
export { NOOP_SPAN };
