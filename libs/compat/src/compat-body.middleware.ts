import { Injectable, type NestMiddleware } from '@nestjs/common';
import { AppConfig, AppLogger, jsonBodyGuard, writeError } from '@switchyard/core';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/**
 * JSON and form bodies for the aliases outside /v1 and /api (the HTTP edge parses only those):
 * the /v1 body limit, the edge's depth limit (and, for what is stored, its text check), and a
 * parse failure answered in the OpenAI envelope like everywhere else.
 */
@Injectable()
export class CompatBodyMiddleware implements NestMiddleware {
  private readonly parsers: RequestHandler[];
  /** A model call's prompt is content (a NUL included); a stored setting must be text. */
  private readonly guards: { model: RequestHandler; stored: RequestHandler };

  constructor(
    config: AppConfig,
    private readonly logger: AppLogger,
  ) {
    this.parsers = [
      express.json({ limit: config.http.maxBodyBytes, type: ['application/json', 'application/*+json'] }),
      express.urlencoded({ extended: false, limit: config.http.maxApiBodyBytes }),
    ];
    this.guards = { model: jsonBodyGuard({ text: false }), stored: jsonBodyGuard({ text: true }) };
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const run = (i: number): void => {
      const parser = this.parsers[i] ?? (i === this.parsers.length ? this.guardFor(req) : undefined);
      if (!parser) return next();
      parser(req, res, (err?: unknown) => {
        if (err) return writeError(err, req, res, this.logger.pino);
        run(i + 1);
      });
    };
    run(0);
  }

  private guardFor(req: Request): RequestHandler {
    return req.originalUrl.startsWith('/config/') ? this.guards.stored : this.guards.model;
  }
}
