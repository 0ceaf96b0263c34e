export {
  GATEWAY_METRICS,
  GATEWAY_TRACING,
  ObservabilityLifecycle,
  ObservabilityModule,
  TelemetryModule,
} from './observability.module.js';
// Types only: prom-client and the OTel SDK load when metrics or traces are switched on.
export type { GatewayMetrics, GaugeSources } from './gateway-metrics.js';
export { GEN_AI, type GatewayTracing } from './gateway-tracing.js';
export { GatewayTelemetry } from './gateway-telemetry.js';
export { MetricLabels, NONE, OTHER, type LabelCatalog } from './metric-labels.js';
export { MetricsServer, metricsHandler } from './metrics-endpoint.js';
export { requestInstrumentation } from './request-instrumentation.js';
