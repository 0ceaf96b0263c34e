import {
  Global,
  Inject,
  Injectable,
  Module,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig, NOOP_TELEMETRY, Telemetry, metricsEnabled } from '@switchyard/core';
import { CreditsModule, LiveReservations } from '@switchyard/credits';
import { KeyVaultModule, VaultIndex } from '@switchyard/key-vault';
import { CatalogService } from '@switchyard/providers';
import { CircuitBreakers, RoutingModule } from '@switchyard/routing';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { GatewayTracing } from './gateway-tracing.js';
import { GatewayTelemetry } from './gateway-telemetry.js';
import { MetricsServer } from './metrics-endpoint.js';

/** The Prometheus instruments, or null when metrics are off. */
export const GATEWAY_METRICS = Symbol('GATEWAY_METRICS');
/** The request tracer, or null when tracing is off. */
export const GATEWAY_TRACING = Symbol('GATEWAY_TRACING');

const SERVICE_VERSION = '0.1.0';

/**
 * Binds the {@link Telemetry} port for every module: Prometheus metrics when METRICS_TOKEN or
 * METRICS_PORT is set, OpenTelemetry traces when OTEL_EXPORTER_OTLP_ENDPOINT is; otherwise the
 * no-op (prom-client and the OTel SDK are then not even loaded).
 */
@Global()
@Module({
  providers: [
    {
      provide: GATEWAY_METRICS,
      inject: [AppConfig, CatalogService],
      useFactory: async (config: AppConfig, catalog: CatalogService): Promise<GatewayMetrics | null> => {
        if (!metricsEnabled(config.observability)) return null;
        const [{ GatewayMetrics: Metrics }, { MetricLabels }] = await Promise.all([
          import('./gateway-metrics.js'),
          import('./metric-labels.js'),
        ]);
        return new Metrics(new MetricLabels(catalog));
      },
    },
    {
      provide: GATEWAY_TRACING,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<GatewayTracing | null> => {
        const tracing = config.observability.tracing;
        if (!tracing) return null;
        const { createTracing } = await import('./gateway-tracing.js');
        return createTracing({ ...tracing, serviceVersion: SERVICE_VERSION });
      },
    },
    {
      provide: Telemetry,
      inject: [GATEWAY_METRICS, GATEWAY_TRACING],
      useFactory: (metrics: GatewayMetrics | null, tracing: GatewayTracing | null): Telemetry =>
        metrics || tracing
          ? new GatewayTelemetry(metrics ?? undefined, tracing ?? undefined)
          : NOOP_TELEMETRY,
    },
  ],
  exports: [Telemetry, GATEWAY_METRICS, GATEWAY_TRACING],
})
export class TelemetryModule {}

/**
 * Reads the scrape-time gauges from routing, the key vault and credits, runs the METRICS_PORT
 * listener, and flushes traces at shutdown.
 */
@Injectable()
export class ObservabilityLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly server?: MetricsServer;

  constructor(
    private readonly config: AppConfig,
    @Optional() @Inject(GATEWAY_METRICS) metrics: GatewayMetrics | null,
    @Optional() @Inject(GATEWAY_TRACING) private readonly tracing: GatewayTracing | null,
    breakers: CircuitBreakers,
    vault: VaultIndex,
    reservations: LiveReservations,
  ) {
    metrics?.bindSources({
      breakers: () => breakers.views(),
      keys: () => vault.healthByProvider(),
      reservationsPending: () => reservations.size,
    });
    if (metrics && config.observability.metrics.port !== undefined) this.server = new MetricsServer(metrics);
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.observability.metrics.port;
    if (this.server && port !== undefined) await this.server.listen(port, this.config.http.host);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    // Spans still buffered are sent before the process exits.
    await this.tracing?.shutdown().catch(() => undefined);
  }
}

/** The gauges' sources and the metrics listener; imported by the gateway after the features. */
@Module({
  imports: [RoutingModule, KeyVaultModule, CreditsModule],
  providers: [ObservabilityLifecycle],
  exports: [ObservabilityLifecycle],
})
export class ObservabilityModule {}
