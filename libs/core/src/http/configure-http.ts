import { getHeapStatistics } from 'node:v8';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '../config/app-config.js';
import { OpenAiExceptionFilter, writeError, type ErrorRenderer } from '../errors/openai-exception.filter.js';
import { AppLogger } from '../logging/app-logger.js';
import { BodyBudget, heapLimitWarning } from './body-budget.js';
import { jsonBodyGuard } from './json-body.js';
import { leanJsonBody } from './lean-json.js';
import { requestContextMiddleware } from './request-context.js';
import { createValidationPipe } from './validation.pipe.js';

/**
 * The HTTP edge shared by every app instance: body limits per surface (/v1 carries prompts and
 * images, the management API does not), security headers, CORS, validation and the error filter.
 * The app must be created with `bodyParser: false`.
 */
export interface HttpOptions {
  /** Middleware for /v1 that runs before its body is read (e.g. refusing forged API keys). */
  beforeV1Body?: RequestHandler[];
  /** Paths whose errors are written in another dialect's shape (e.g. /v1/messages, Anthropic's). */
  errorDialects?: Array<{ path: string; render: ErrorRenderer }>;
  /**
   * The hottest routes, served once their body is read instead of after a walk through every
   * route of the app and Nest's per-request machinery (issue 20). `handle` must apply the same
   * guards as the route it stands in for; anything it throws is written as the error filter
   * would. A request whose path is not exactly `path` (a trailing slash, another method) goes the
   * ordinary way, to the same controller.
   */
  hotRoutes?: HotRoute[];
}

export interface HotRoute {
  method: 'POST';
  path: string;
  handle(req: Request, res: Response): Promise<void>;
}

export function configureHttp(app: INestApplication, options: HttpOptions = {}): void {
  const config = app.get(AppConfig);
  const expressApp = app as NestExpressApplication;
  const logger = app.get(AppLogger);
  expressApp.useLogger(logger);
  expressApp.set('trust proxy', config.http.trustProxy);
  expressApp.disable('x-powered-by');
  // An ETag is a SHA-1 of every response body: no use on an API of POSTs and fresh answers.
  expressApp.set('etag', false);
  expressApp.use(requestContextMiddleware({ accessLog: config.log.requests ? logger.pino : undefined }));

  // Browser-facing pages (Swagger, the admin UI, the management API) get the security headers;
  // the /v1 API answers SDKs, where a dozen extra headers per call only cost time and bytes.
  const securityHeaders = helmet({
    // Swagger UI and the admin UI load their own scripts and styles from this origin.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // Operators often reach a self-hosted gateway over plain HTTP on a private network.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  expressApp.use((req: Request, res: Response, next: NextFunction) => {
    if (req.url.startsWith('/v1/')) {
      // An API answer (or a downloaded file) is never a page to render or frame.
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
      return next();
    }
    return securityHeaders(req, res, next);
  });
  if (config.http.corsOrigins) {
    expressApp.enableCors({
      origin: config.http.corsOrigins === '*' ? true : config.http.corsOrigins,
      exposedHeaders: [
        'x-request-id',
        'x-switchyard-provider',
        'x-switchyard-model',
        'x-switchyard-route',
        'x-switchyard-cost',
        'x-switchyard-cache',
        'x-ratelimit-limit-requests',
        'x-ratelimit-remaining-requests',
        'x-ratelimit-reset-requests',
        'retry-after',
      ],
    });
  }

  const v1Json = express.json({
    limit: config.http.maxBodyBytes,
    type: ['application/json', 'application/*+json'],
  });
  const apiJson = express.json({ limit: config.http.maxApiBodyBytes });
  const apiForm = express.urlencoded({ extended: false, limit: config.http.maxApiBodyBytes });
  for (const { path, render } of options.errorDialects ?? []) {
    expressApp.use(path, (_req: Request, res: Response, next: NextFunction) => {
      (res.locals as { errorRenderer?: ErrorRenderer }).errorRenderer = render;
      next();
    });
  }
  for (const middleware of options.beforeV1Body ?? []) expressApp.use('/v1', middleware);
  // Bounds the body bytes held at once (issue 20): past it, a 503 before the body is read.
  if (config.http.maxBodyBytesInFlight > 0) {
    const budget = new BodyBudget(config.http.maxBodyBytesInFlight, config.http.largestBodyBytes);
    expressApp.use('/v1', budget.middleware());
  }
  // The bound is what makes a heap cap safe (decision 0031): say so when the cap is below it.
  const heapWarning = heapLimitWarning(config.http.maxBodyBytesInFlight, getHeapStatistics().heap_size_limit);
  if (heapWarning) logger.warn(heapWarning, 'Memory');
  // The usual model call (UTF-8 JSON with a Content-Length) is read without body-parser's
  // per-request machinery; anything else goes to body-parser as before (issue 20).
  expressApp.use('/v1', leanJsonBody(v1Json, config.http.maxBodyBytes), jsonBodyGuard({ text: false }));
  expressApp.use('/api', apiJson, apiForm, jsonBodyGuard({ text: true }));
  const hot = new Map((options.hotRoutes ?? []).map((r) => [`${r.method} ${r.path}`, r]));
  if (hot.size > 0) {
    expressApp.use(function hotRoutes(req: Request, res: Response, next: NextFunction) {
      const q = req.url.indexOf('?');
      const route = hot.get(`${req.method} ${q < 0 ? req.url : req.url.slice(0, q)}`);
      if (!route) return next();
      // The route template, as the router would have set it (metrics label it by this).
      (req as { route?: { path: string } }).route = { path: route.path };
      route.handle(req, res).catch((err: unknown) => writeError(err, req, res, logger.pino));
    });
  }
  // Body-parser errors happen before Nest's router; render them in the same envelope.
  expressApp.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    writeError(err, req, res, logger.pino);
  });

  expressApp.useGlobalPipes(createValidationPipe());
  expressApp.useGlobalFilters(new OpenAiExceptionFilter(logger.pino));
}
