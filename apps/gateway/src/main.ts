// First: V8 settings take effect before any other module allocates (decision 0040).
import './v8-tuning.js';
import 'reflect-metadata';
import type { Server } from 'node:http';
import { BootstrapService } from '@switchyard/auth';
import { AppConfig, AppLogger, ConfigValidationError } from '@switchyard/core';
import { createApp } from './app.factory.js';
import { consoleDirectory } from './console/console.js';
import { ShutdownState } from './health/shutdown-state.js';

async function main(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  const logger = app.get(AppLogger);
  await app.listen(config.http.port, config.http.host);
  const server: Server = app.getHttpServer();
  // Outlive a load balancer's idle timeout so it never sends on a socket we are closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  logger.log(
    `Switchyard is listening on ${url} ` +
      `(database: ${config.embeddedDatabase ? `embedded PGlite in ${config.dataDir}` : 'postgres'}` +
      `${config.http.swagger ? '; docs at /docs' : ''})`,
    'Bootstrap',
  );
  // Logs are written asynchronously: the banner goes into the same stream, after them, last.
  const base = config.http.publicUrl ?? url;
  app.get(BootstrapService).printBanner(
    {
      console: consoleDirectory() ? `${base}/admin` : undefined,
      docs: config.http.swagger ? `${base}/docs` : undefined,
      login: `${base}/api/v1/auth/login`,
    },
    logger,
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(
      `${signal} received: draining in-flight requests (up to ${config.http.shutdownTimeoutMs} ms)`,
      'Shutdown',
    );
    app.get(ShutdownState).draining = true;
    // In-flight requests and streams may finish until the deadline; then their sockets are cut.
    const deadline = setTimeout(() => server.closeAllConnections(), config.http.shutdownTimeoutMs);
    deadline.unref();
    app
      .close()
      .then(() => {
        clearTimeout(deadline);
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigValidationError) {
    console.error(`Switchyard cannot start. ${err.message}\nSee docs/configuration.md for every variable.`);
  } else {
    console.error('Switchyard failed to start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
