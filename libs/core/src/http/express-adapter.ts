import http from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';

/**
 * Nest's Express adapter, with one change: the HTTP server creates each request and response
 * with Express's prototypes (`app.request`, `app.response`) from the start (decision 0032).
 *
 * Express gives every request and response its prototypes with `Object.setPrototypeOf` as it
 * takes them. In V8 that gives the object a hidden class of its own, and every property added
 * to it afterwards (Express's `next`, `baseUrl`, `locals`, `statusCode`, ours: `body`, `caller`,
 * `route`...) makes a fresh hidden class and copies its property table, about twenty times a
 * call: tens of kilobytes of old-space garbage per call, a major GC every second or so under
 * load, and property reads that no inline cache can keep up with. Made with the right
 * prototypes, the objects share their hidden classes, and Express's `setPrototypeOf` is a no-op
 * (the prototype is already the one it sets).
 */
export class SwitchyardExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions || options?.forceCloseConnections || options?.return503OnClosing) {
      // Not used by the gateway; Nest's own server for these.
      super.initHttpServer(options);
      return;
    }
    const app = this.getInstance<Express>();
    const Request = class SwitchyardRequest extends http.IncomingMessage {};
    const Response = class SwitchyardResponse extends http.ServerResponse {};
    app.request = becomes(Request.prototype, app.request) as Express['request'];
    app.response = becomes(Response.prototype, app.response) as Express['response'];
    this.httpServer = http.createServer({ IncomingMessage: Request, ServerResponse: Response }, app);
  }
}

/**
 * Makes `target` (a subclass's prototype) stand in for Express's `prototype` object: the same
 * prototype chain and the same own properties (`app`). Express then sets on each request the
 * prototype it already has. A subclass, not a function returning `Reflect.construct(...)`: V8
 * caches a subclass's instance layout, while a function's is rebuilt on every construction.
 */
function becomes(target: object, prototype: object): object {
  Object.setPrototypeOf(target, Object.getPrototypeOf(prototype) as object | null);
  Object.defineProperties(target, Object.getOwnPropertyDescriptors(prototype));
  return target;
}
