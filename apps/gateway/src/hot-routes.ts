import {
  ForbiddenException,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import type { HttpArgumentsHost } from '@nestjs/common/interfaces/index.js';
import { CallerGuard, RateLimitGuard, type Caller } from '@switchyard/auth';
import { ChatController, ChatService } from '@switchyard/chat';
import type { HotRoute } from '@switchyard/core';
import { MessagesController, MessagesService } from '@switchyard/messages';
import { ResponsesController, ResponsesService } from '@switchyard/responses';
import type { Request, Response } from 'express';

/**
 * The model-call routes almost every call takes, served straight after their body is read (issue 20,
 * docs/performance.md): the same global guards (who is calling, then how often), with the same
 * metadata as the controller method they stand in for, then the same service call. What they
 * skip is Express's walk through every route of the app and Nest's per-request execution
 * context, parameter pipes and exception zone, about a tenth of the gateway's CPU per call. The
 * controller routes stay, for Swagger and for any request a hot route does not take.
 */
export function hotRoutes(app: INestApplication): HotRoute[] {
  const guards: CanActivate[] = [app.get(CallerGuard), app.get(RateLimitGuard)];
  const chat = app.get(ChatService);
  const messages = app.get(MessagesService);
  const responses = app.get(ResponsesService);
  const route = (
    path: string,
    controller: Type,
    handler: (...args: never[]) => unknown,
    run: (caller: Caller, req: Request, res: Response) => Promise<void>,
  ): HotRoute => ({
    method: 'POST',
    path,
    async handle(req, res) {
      const context = new HotContext(req, res, controller, handler);
      for (const guard of guards) {
        // Nest's own answer to a guard that says no.
        if (!(await guard.canActivate(context))) throw new ForbiddenException('Forbidden resource');
      }
      await run((req as Request & { caller: Caller }).caller, req, res);
    },
  });
  const chatRoutes = ChatController.prototype;
  // Errors on /v1/messages keep Anthropic's shape: the error-dialect middleware has set the
  // renderer by path before the hot routes run, as the controller's filter would.
  return [
    route('/v1/chat/completions', ChatController, chatRoutes.create, (caller, req, res) =>
      chat.chat(caller, req.body, req, res),
    ),
    route('/v1/completions', ChatController, chatRoutes.completions, (caller, req, res) =>
      chat.completion(caller, req.body, req, res),
    ),
    route('/v1/messages', MessagesController, MessagesController.prototype.create, (caller, req, res) =>
      messages.create(caller, req.body, req, res),
    ),
    route('/v1/responses', ResponsesController, ResponsesController.prototype.create, (caller, req, res) =>
      responses.create(caller, req.body, req, res),
    ),
  ];
}

const NO_NEXT = (): undefined => undefined;

/**
 * What a guard sees of an HTTP request: the handler and class carry the route's metadata. It is
 * its own HTTP host, so that a guard's `switchToHttp()` allocates nothing.
 */
class HotContext implements ExecutionContext, HttpArgumentsHost {
  constructor(
    private readonly req: Request,
    private readonly res: Response,
    private readonly controller: Type,
    private readonly handler: (...args: never[]) => unknown,
  ) {}

  getClass<T>(): Type<T> {
    return this.controller as Type<T>;
  }

  getHandler(): (...args: never[]) => unknown {
    return this.handler;
  }

  getArgs<T extends unknown[]>(): T {
    return [this.req, this.res] as unknown as T;
  }

  getArgByIndex<T>(index: number): T {
    return this.getArgs()[index] as T;
  }

  getType<T extends string>(): T {
    return 'http' as T;
  }

  switchToHttp(): HttpArgumentsHost {
    return this;
  }

  getRequest<T>(): T {
    return this.req as T;
  }

  getResponse<T>(): T {
    return this.res as T;
  }

  getNext<T>(): T {
    return NO_NEXT as T;
  }

  switchToRpc(): never {
    throw new Error('an HTTP request');
  }

  switchToWs(): never {
    throw new Error('an HTTP request');
  }
}
