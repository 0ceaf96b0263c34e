import type { EnvironmentVariables } from './env.schema.js';

/** Metrics and traces (docs/decisions/0014-metrics-and-traces.md). */
export interface ObservabilityConfig {
  metrics: {
    /** `GET /metrics` on the main port answers a `Bearer <token>` with it. */
    token?: string;
    /** A second listener serving only `/metrics`, without auth (0: any free port). */
    port?: number;
  };
  /** Unset when OTEL_EXPORTER_OTLP_ENDPOINT is: tracing is off (the API's no-op tracer). */
  tracing?: {
    /** The OTLP/HTTP traces URL (`<endpoint>/v1/traces`). */
    url: string;
    protocol: 'http/protobuf' | 'http/json';
    headers: Record<string, string>;
    serviceName: string;
    /** The share of requests traced (0 to 1). */
    sampleRatio: number;
  };
}

/** Metrics are collected when they can be read: a token or a metrics port is set. */
export function metricsEnabled(config: ObservabilityConfig): boolean {
  return config.metrics.token !== undefined || config.metrics.port !== undefined;
}

/** `k1=v1,k2=v2` (OTEL_EXPORTER_OTLP_HEADERS, values URL-encoded as the OTel spec says). */
function parseHeaders(value: string, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value.split(',')) {
    if (!pair.trim()) continue;
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at).trim() : '';
    if (!key) {
      // Never echo the value: headers carry credentials.
      problems.push('OTEL_EXPORTER_OTLP_HEADERS must be a list of name=value pairs');
      return {};
    }
    try {
      out[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      out[key] = pair.slice(at + 1).trim();
    }
  }
  return out;
}

export function observabilityConfig(env: EnvironmentVariables, problems: string[]): ObservabilityConfig {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  return {
    metrics: { token: env.METRICS_TOKEN, port: env.METRICS_PORT },
    tracing: endpoint
      ? {
          // The spec: a signal-less endpoint gets the signal's path appended.
          url: `${endpoint}/v1/traces`,
          protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL,
          headers: parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS, problems),
          serviceName: env.OTEL_SERVICE_NAME,
          sampleRatio: env.OTEL_TRACES_SAMPLER_ARG,
        }
      : undefined,
  };
}
