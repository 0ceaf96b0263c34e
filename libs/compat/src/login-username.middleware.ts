import type { NextFunction, Request, Response } from 'express';

/**
 * IndoxRouter logged in with `{"username", "password"}`: a `username` (the account's email) is
 * taken as `email` before the login DTO is validated, so the one login endpoint serves both.
 */
export function loginUsername(req: Request, _res: Response, next: NextFunction): void {
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && !Array.isArray(body) && 'username' in body) {
    if (body.email === undefined) body.email = body.username;
    delete body.username;
  }
  next();
}
