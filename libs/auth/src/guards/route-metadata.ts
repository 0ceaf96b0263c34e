import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

type Target = ReturnType<ExecutionContext['getHandler']>;

/**
 * A route's decorator metadata as the guards read it (`getAllAndOverride`: the handler's, else
 * its class's), remembered per handler and class. Decorators run once, when a class is defined,
 * so the answer never changes; reading it through reflect-metadata on every call cost the
 * guards ~4 µs per model call (issue 20).
 */
export class RouteMetadata {
  private readonly byHandler = new WeakMap<Target, WeakMap<Target, Map<string, unknown>>>();

  constructor(private readonly reflector: Reflector) {}

  get<T>(key: string, context: ExecutionContext): T | undefined {
    const handler = context.getHandler();
    const cls = context.getClass();
    if (typeof handler !== 'function' || typeof cls !== 'function')
      return this.reflector.getAllAndOverride<T | undefined>(key, [handler, cls]);
    let byClass = this.byHandler.get(handler);
    if (!byClass) this.byHandler.set(handler, (byClass = new WeakMap<Target, Map<string, unknown>>()));
    let values = byClass.get(cls);
    if (!values) byClass.set(cls, (values = new Map<string, unknown>()));
    if (values.has(key)) return values.get(key) as T | undefined;
    const value = this.reflector.getAllAndOverride<T | undefined>(key, [handler, cls]);
    values.set(key, value);
    return value;
  }
}
