import { performance } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setRequestTrace } from '@switchyard/core';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { GatewayTracing } from './gateway-tracing.js';

type Req = IncomingMessage & { originalUrl?: string; route?: { path?: unknown }; baseUrl?: string };

/** The route label of a request: the router's template (`/v1/files/:id`), never the raw path. */
function routeOf(req: Req): string | undefined {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined;
}

/** Paths neither counted nor traced: the scrape itself and liveness/readiness probes (traces only). */
const isMetrics = (path: string) => path === '/metrics' || path.startsWith('/metrics?');
const isHealth = (path: string) => path.startsWith('/api/v1/health');

/**
 * The first middleware of every request when metrics or traces are on: starts the request's
 * server span (attached to the request, so the request context carries it to the guards,
 * metering and the upstream executor) and, when the answer is done, counts it by route
 * template, status, and the provider and model that served it (the `x-switchyard-*` headers).
 */
export function requestInstrumentation(
  metrics: GatewayMetrics | undefined,
  tracing: GatewayTracing | undefined,
) {
  return (req: Req, res: ServerResponse, next: () => void): void => {
    const path = req.url ?? '/';
    if (isMetrics(path)) return next();
    const started = performance.now();
    const spans = tracing && !isHealth(path) ? tracing.startRequest(req, path.split('?', 1)[0]!) : undefined;
    if (spans) setRequestTrace(req, spans);
    const done = (): void => {
      res.off('finish', done);
      res.off('close', done);
      const aborted = !res.writableFinished;
      const route = routeOf(req);
      // 499: the client left before the answer was complete (nginx's convention).
      const status = aborted ? 499 : res.statusCode;
      if (metrics) {
        metrics.httpRequest(
          route ?? 'other',
          req.method ?? 'GET',
          status,
          res.getHeader('x-switchyard-provider') as string | undefined,
          res.getHeader('x-switchyard-model') as string | undefined,
          (performance.now() - started) / 1000,
        );
      }
      spans?.end(req.method ?? 'GET', route, res.statusCode, aborted);
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
