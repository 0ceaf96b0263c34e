import { Injectable, type NestMiddleware } from '@nestjs/common';
import { AppConfig, AppLogger, writeError } from '@switchyard/core';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/**
 * JSON and form bodies for the aliases outside /v1 and /api (the HTTP edge parses only those):
 * the /v1 body limit, and a parse failure answered in the OpenAI envelope like everywhere else.
 */
@Injectable()
export class CompatBodyMiddleware implements NestMiddleware {
  private readonly parsers: RequestHandler[];

  constructor(
    config: AppConfig,
    private readonly logger: AppLogger,
  ) {
    this.parsers = [
      express.json({ limit: config.http.maxBodyBytes, type: ['application/json', 'application/*+json'] }),
      express.urlencoded({ extended: false, limit: config.http.maxApiBodyBytes }),
    ];
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const run = (i: number): void => {
      const parser = this.parsers[i];
      if (!parser) return next();
      parser(req, res, (err?: unknown) => {
        if (err) return writeError(err, req, res, this.logger.pino);
        run(i + 1);
      });
    };
    run(0);
  }
}
