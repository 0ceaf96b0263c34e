import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type NestMiddleware } from '@nestjs/common';

/** The parts of an HTTP request an activity entry takes when its caller did not say. */
interface RequestLike {
  id?: unknown;
  ip?: string;
}

const storage = new AsyncLocalStorage<RequestLike>();

/** The request id and client address of the HTTP request this code runs for, if any. */
export function currentRequestContext(): { requestId?: string; ip?: string } {
  const req = storage.getStore();
  if (!req) return {};
  // Read lazily: pino-http assigns req.id in its own middleware, whichever runs first.
  return {
    requestId: typeof req.id === 'string' ? req.id : undefined,
    ip: typeof req.ip === 'string' ? req.ip : undefined,
  };
}

/**
 * Carries the request through async work, so services deep in a call (auth, the key vault)
 * record events with the request id and IP without every signature passing them along.
 */
@Injectable()
export class ActivityContextMiddleware implements NestMiddleware {
  use(req: RequestLike, _res: unknown, next: () => void): void {
    storage.run(req, next);
  }
}
