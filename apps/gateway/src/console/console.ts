import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { Request, Response } from 'express';

/**
 * The repository (or image) root: this file is `apps/gateway/src/console/console.ts` in the
 * sources and `dist/apps/gateway/src/console/console.js` once built.
 */
function projectRoot(): string {
  const here = dirname(import.meta.filename);
  const root = resolve(here, '../../../..');
  return root.endsWith(`${sep}dist`) ? dirname(root) : root;
}

/**
 * Where the built admin console (apps/admin, static files) is, if it is built: `dist/admin`
 * (what the build ships) or `apps/admin/dist` (Vite's own output). Undefined until it exists.
 */
export function consoleDirectory(
  candidates = [join(projectRoot(), 'dist', 'admin'), join(projectRoot(), 'apps', 'admin', 'dist')],
): string | undefined {
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Where `GET /` sends a person: the console when it is built, else the API docs, else nowhere. */
export function entryPage(options: { console: boolean; swagger: boolean }): string | undefined {
  if (options.console) return '/admin';
  if (options.swagger) return '/docs';
  return undefined;
}

/** `GET /` (and HEAD): a temporary redirect to the entry page (the console may be built later). */
export function entryRedirect(target: string) {
  return (_req: Request, res: Response): void => res.redirect(302, target);
}
