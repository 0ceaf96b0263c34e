import type { Server } from 'node:http';
import { getHeapStatistics } from 'node:v8';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '../config/app-config.js';
import { OpenAiExceptionFilter, writeError, type ErrorRenderer } from '../errors/openai-exception.filter.js';
import { AppLogger } from '../logging/app-logger.js';
import { bodyBudgetOf, heapLimitWarning } from './body-budget.js';
import { setClientSendTimeout } from './client-send.js';
import { idleGcFor } from './idle-gc.js';
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
  // Once the gateway is quiet after a burst, collections give back what it left (decision 0033).
  const idleGc = idleGcFor(config.http)?.start();
  if (idleGc) (app.getHttpServer() as Server).once('close', () => idleGc.stop());
  // A stream whose client stops reading is cut off after CLIENT_SEND_TIMEOUT_MS (see drained()).
  setClientSendTimeout(config.http.clientSendTimeoutMs, (res, waitedMs) =>
    logger.pino.warn(
      { req: { id: res.getHeader('x-request-id') }, waitedMs },
      'client took no bytes for CLIENT_SEND_TIMEOUT_MS: response cut off',
    ),
  );
  expressApp.use(
    requestContextMiddleware({ accessLog: config.log.requests ? logger.pino : undefined, counter: idleGc }),
  );

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
  const setRenderer = (render: ErrorRenderer) => (_req: Request, res: Response, next: NextFunction) => {
    (res.locals as { errorRenderer?: ErrorRenderer }).errorRenderer = render;
    next();
  };
  const v1Dialects = (options.errorDialects ?? []).filter(({ path }) => path.startsWith('/v1/'));
  for (const { path, render } of options.errorDialects ?? []) {
    if (!v1Dialects.some((d) => d.path === path)) expressApp.use(path, setRenderer(render));
  }
  // Bounds the body bytes held at once (issue 20): past it, a 503 before the body is read.
  const budget = bodyBudgetOf(config);
  // The bound is what makes a heap cap safe (decision 0031): say so when the cap is below it.
  const heapWarning = heapLimitWarning(config.http.maxBodyBytesInFlight, getHeapStatistics().heap_size_limit);
  if (heapWarning) logger.warn(heapWarning, 'Memory');
  // Everything /v1 runs before its route, in order, as one layer of the router: each layer costs
  // a path match, a prefix trim and allocations per request (issue 20). The steps see the request
  // as a layer mounted at /v1 sees it (req.url without the prefix), as when each was a layer.
  const v1Steps: RequestHandler[] = [
    // The dialect's error renderer, for its path and below, as `app.use(path)` would match it.
    ...v1Dialects.map(({ path, render }) => {
      const below = new RegExp(`^${escapeRegExp(path.slice('/v1'.length))}(?:[/?]|$)`, 'i');
      const set = setRenderer(render);
      return (req: Request, res: Response, next: NextFunction) =>
        below.test(req.url) ? set(req, res, next) : next();
    }),
    ...(options.beforeV1Body ?? []),
    ...(budget ? [budget.middleware()] : []),
    // The usual model call (UTF-8 JSON with a Content-Length) is read without body-parser's
    // per-request machinery; anything else goes to body-parser as before (issue 20).
    leanJsonBody(v1Json, config.http.maxBodyBytes),
    jsonBodyGuard({ text: false }),
  ];
  const hot = new Map((options.hotRoutes ?? []).map((r) => [`${r.method} ${r.path}`, r]));
  expressApp.use('/v1', function v1(req: Request, res: Response, next: NextFunction) {
    runSteps(v1Steps, req, res, (err) => {
      if (err !== undefined) return next(err);
      const route = hot.size > 0 ? hot.get(`${req.method} ${req.baseUrl}${pathOf(req.url)}`) : undefined;
      if (!route) return next();
      // Served here, as a top-level route would be: the whole path, no mount point, and the route
      // template the router would have set (metrics and the access log read these).
      req.url = req.originalUrl;
      req.baseUrl = '';
      (req as { route?: { path: string } }).route = { path: route.path };
      route.handle(req, res).catch((e: unknown) => writeError(e, req, res, logger.pino));
    });
  });
  expressApp.use('/api', apiJson, apiForm, jsonBodyGuard({ text: true }));
  // Body-parser errors happen before Nest's router; render them in the same envelope.
  expressApp.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    writeError(err, req, res, logger.pino);
  });

  expressApp.useGlobalPipes(createValidationPipe());
  expressApp.useGlobalFilters(new OpenAiExceptionFilter(logger.pino));
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A request path without its query string. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * Runs Express middleware in order, as the router would run them as layers: the next one on
 * `next()`, `done(err)` on `next(err)`, a throw or a rejected promise, `done()` after the last.
 */
function runSteps(steps: RequestHandler[], req: Request, res: Response, done: (err?: unknown) => void): void {
  let i = 0;
  const next = (err?: unknown): void => {
    if (err) return done(err);
    const step = steps[i++];
    if (!step) return done();
    try {
      const returned: unknown = step(req, res, next);
      // Express 5 takes a rejected promise from a middleware as next(err).
      if (returned instanceof Promise)
        returned.catch((e: unknown) => done(e ?? new Error('Rejected promise')));
    } catch (e) {
      done(e);
    }
  };
  next();
}
