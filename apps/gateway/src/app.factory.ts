import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express } from 'express';
import { apiKeyPrecheck, ApiKeysService, InvalidKeyTarpit } from '@switchyard/auth';
import { AppConfig, configureHttp, SwitchyardExpressAdapter, type CoreConfigOptions } from '@switchyard/core';
import { writeAnthropicError } from '@switchyard/messages';
import {
  GATEWAY_METRICS,
  GATEWAY_TRACING,
  metricsHandler,
  requestInstrumentation,
  type GatewayMetrics,
  type GatewayTracing,
} from '@switchyard/observability';
import { AppModule } from './app.module.js';
import { consoleRouter } from './console/console-static.js';
import { consoleDirectory, entryPage, entryRedirect } from './console/console.js';
import { hotRoutes } from './hot-routes.js';
import { setupSwagger } from './swagger.js';

/** Builds a fully configured gateway (not yet listening). main.ts and the tests both use this. */
export async function createApp(options: CoreConfigOptions = {}): Promise<NestExpressApplication> {
  // Requests and responses made with Express's prototypes from the start (decision 0032).
  const adapter = new SwitchyardExpressAdapter();
  const app = await NestFactory.create<NestExpressApplication>(await AppModule.forRoot(options), adapter, {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  const config = app.get(AppConfig);
  // Metrics and traces see every request from its first byte (body limits and forged keys too).
  const metrics = app.get<GatewayMetrics | null>(GATEWAY_METRICS);
  const tracing = app.get<GatewayTracing | null>(GATEWAY_TRACING);
  if (metrics || tracing) app.use(requestInstrumentation(metrics ?? undefined, tracing ?? undefined));
  const express: Express = app.getHttpAdapter().getInstance();
  // GET /metrics on this port only with METRICS_TOKEN (decision 0014); otherwise it is a 404.
  const metricsToken = config.observability.metrics.token;
  if (metrics && metricsToken) express.get('/metrics', metricsHandler(metrics, metricsToken));
  // Forged API keys are refused before their request bodies are read.
  configureHttp(app, {
    beforeV1Body: [apiKeyPrecheck(app.get(ApiKeysService), app.get(InvalidKeyTarpit))],
    // The Anthropic dialect's errors in Anthropic's shape, from the first byte.
    errorDialects: [{ path: '/v1/messages', render: writeAnthropicError }],
    // The model calls (chat, completions, messages, responses) skip the router walk and Nest's
    // per-request machinery.
    hotRoutes: hotRoutes(app),
  });
  if (config.http.swagger) setupSwagger(app);
  // A person who opens the gateway's address lands on the console, or the API docs until it is built.
  const consoleDir = consoleDirectory();
  const entry = entryPage({ console: consoleDir !== undefined, swagger: config.http.swagger });
  if (consoleDir) express.use('/admin', consoleRouter(consoleDir));
  if (entry) express.get('/', entryRedirect(entry));
  return app;
}
