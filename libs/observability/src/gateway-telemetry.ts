import {
  NOOP_SPAN,
  Telemetry,
  currentRequestTrace,
  type RateLimitKind,
  type SettledCall,
  type TelemetrySpan,
} from '@switchyard/core';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { GatewayTracing, RequestSpans } from './gateway-tracing.js';

/**
 * The {@link Telemetry} port over Prometheus metrics and OpenTelemetry traces, either of which
 * may be off. A span is only made for a request that has a trace (the request instrumentation
 * starts it), so work outside requests (sweepers, batch flushes) costs nothing.
 */
export class GatewayTelemetry extends Telemetry {
  constructor(
    readonly metrics: GatewayMetrics | undefined,
    readonly tracing: GatewayTracing | undefined,
  ) {
    super();
  }

  callSettled(call: SettledCall): void {
    this.metrics?.callSettled(call);
    if (this.tracing) {
      const spans = currentRequestTrace<RequestSpans>();
      if (spans) this.tracing.settled(spans, call);
    }
  }

  upstreamError(provider: string, errorClass: string): void {
    this.metrics?.upstreamError(provider, errorClass);
  }

  failover(from: string, to: string, reason: string): void {
    this.metrics?.failover(from, to, reason);
  }

  rateLimited(kind: RateLimitKind): void {
    this.metrics?.rateLimited(kind);
  }

  ledgerBatch(size: number, ms: number): void {
    this.metrics?.ledgerBatch(size, ms);
  }

  cacheLookup(hit: boolean): void {
    this.metrics?.cacheLookup(hit);
  }

  startSpan(name: string): TelemetrySpan {
    if (!this.tracing) return NOOP_SPAN;
    const spans = currentRequestTrace<RequestSpans>();
    return spans ? this.tracing.child(spans, name) : NOOP_SPAN;
  }

  upstreamAttempt(provider: string, model: string, upstreamModel: string): TelemetrySpan {
    if (!this.tracing) return NOOP_SPAN;
    const spans = currentRequestTrace<RequestSpans>();
    return spans ? this.tracing.upstreamAttempt(spans, provider, model, upstreamModel) : NOOP_SPAN;
  }

  attemptServed(span: TelemetrySpan): void {
    if (!this.tracing || span === NOOP_SPAN) return;
    const spans = currentRequestTrace<RequestSpans>();
    if (spans) this.tracing.attemptServed(spans, span);
    else span.end();
  }
}
