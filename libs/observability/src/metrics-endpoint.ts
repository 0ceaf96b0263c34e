import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayMetrics } from './gateway-metrics.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

async function answer(metrics: GatewayMetrics, res: ServerResponse): Promise<void> {
  const { contentType, body } = await metrics.render();
  res.statusCode = 200;
  res.setHeader('content-type', contentType);
  res.setHeader('cache-control', 'no-store');
  res.end(body);
}

function refuse(res: ServerResponse): void {
  res.statusCode = 401;
  res.setHeader('www-authenticate', 'Bearer realm="metrics"');
  res.setHeader('content-type', 'application/json');
  res.end(
    JSON.stringify({
      error: {
        message: 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>".',
        type: 'authentication_error',
        code: 'invalid_metrics_token',
        param: null,
      },
    }),
  );
}

/**
 * `GET /metrics` on the main port, for `Authorization: Bearer <METRICS_TOKEN>` (compared in
 * constant time). Any other credential is refused with 401; it is never looked up as an API key.
 */
export function metricsHandler(metrics: GatewayMetrics, token: string) {
  const expected = digest(token);
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
    const header = req.headers.authorization ?? '';
    const given = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : '';
    if (!given || !timingSafeEqual(digest(given), expected)) return refuse(res);
    answer(metrics, res).catch(next);
  };
}

/** METRICS_PORT: a listener of its own that serves only `GET /metrics`, without auth. */
export class MetricsServer {
  private server?: Server;

  constructor(private readonly metrics: GatewayMetrics) {}

  async listen(port: number, host: string): Promise<void> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?', 1)[0];
      if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.statusCode = 404;
        res.end();
        return;
      }
      answer(this.metrics, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  /** `http://host:port`, once listening. */
  get url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
