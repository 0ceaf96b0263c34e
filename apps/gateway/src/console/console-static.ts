import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

/**
 * Serves the built console (a single-page app) under /admin: hashed assets are cached for a
 * year, everything else that is not a file gets index.html (the console routes in the browser),
 * never cached so a new build is picked up at once. A missing asset is a plain 404.
 */
export function consoleRouter(directory: string): Router {
  const router = express.Router();
  router.use(
    '/assets',
    express.static(join(directory, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    }),
  );
  router.use(express.static(directory, { index: false, maxAge: 0 }));
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(join(directory, 'index.html'));
  });
  return router;
}
