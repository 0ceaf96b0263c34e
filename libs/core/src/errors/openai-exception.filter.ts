import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { noteResponseError } from '../http/request-context.js';
import { InternalError, type ApiError } from './api-error.js';
import { toApiError } from './error-mapping.js';

type LoggedRequest = Request & { log?: Logger };

/**
 * The one place errors become responses: the OpenAI envelope, the right status, the request id,
 * and never a stack trace or internal detail. Unexpected errors are logged with their stack.
 */
@Catch()
export class OpenAiExceptionFilter implements ExceptionFilter {
  constructor(private readonly fallbackLogger?: Pick<Logger, 'error'>) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<LoggedRequest>();
    const res = ctx.getResponse<Response>();
    writeError(exception, req, res, this.fallbackLogger);
  }
}

/**
 * Writes an error in another dialect's shape (Anthropic's for /v1/messages). Set per request on
 * `res.locals.errorRenderer` by the dialect's path (see `HttpOptions.errorDialects`), so errors
 * raised before Nest routes the request (a malformed body, a forged key) keep the dialect too.
 */
export type ErrorRenderer = (error: ApiError, req: Request, res: Response) => void;

/** Writes `exception` as an OpenAI error envelope; also used by Express-level error middleware. */
export function writeError(
  exception: unknown,
  req: LoggedRequest,
  res: Response,
  fallbackLogger?: Pick<Logger, 'error'>,
): void {
  const { error, unexpected } = toApiError(exception, req.method, req.originalUrl?.split('?')[0] ?? req.url);
  const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : undefined;
  const logger = req.log ?? fallbackLogger;
  // A call its client cancelled (an upstream error of kind `aborted`) is not a fault of ours.
  if (unexpected && (exception as { kind?: unknown } | null)?.kind !== 'aborted') {
    // `req.id` as every line about a request has it (a model call's is not added by the log mixin).
    logger?.error({ err: exception, requestId, req: { id: requestId } }, 'unhandled error');
  }
  noteResponseError(res, error, exception);
  const render = (res.locals as { errorRenderer?: ErrorRenderer } | undefined)?.errorRenderer;
  if (render) return render(error, req, res);
  if (res.headersSent) {
    // A stream already started: the body is the stream's business; just end it.
    if (!res.writableEnded) res.end();
    return;
  }
  const body =
    error instanceof InternalError && requestId
      ? { error: { ...error.toEnvelope().error, message: `${error.message} Request id: ${requestId}.` } }
      : error.toEnvelope();
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).json(body);
}
