import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { writeError, type ApiError, type ErrorEnvelope, type ErrorRenderer } from '@switchyard/core';
import type { Request, Response } from 'express';

/** Anthropic's error types (https://docs.anthropic.com/en/api/errors). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/**
 * A gateway error's Anthropic status and type. Mostly one for one; the choices: 402 (no credit)
 * is Anthropic's `billing_error`; 503 (every key or provider spent) is `overloaded_error` with
 * Anthropic's 529, which its clients back off from and retry; 502 stays 502 as `api_error`; 504 is
 * `timeout_error`.
 */
export function anthropicErrorOf(status: number): { status: number; type: AnthropicErrorType } {
  switch (status) {
    case 400:
      return { status, type: 'invalid_request_error' };
    case 401:
      return { status, type: 'authentication_error' };
    case 402:
      return { status, type: 'billing_error' };
    case 403:
      return { status, type: 'permission_error' };
    case 404:
      return { status, type: 'not_found_error' };
    case 413:
      return { status, type: 'request_too_large' };
    case 429:
      return { status, type: 'rate_limit_error' };
    case 503:
      return { status: 529, type: 'overloaded_error' };
    case 504:
      return { status, type: 'timeout_error' };
    default:
      return status < 500 ? { status, type: 'invalid_request_error' } : { status, type: 'api_error' };
  }
}

/** The Anthropic type of an error that ends a stream (given as the gateway's OpenAI envelope). */
export function anthropicErrorOfEnvelope(envelope: ErrorEnvelope): { type: AnthropicErrorType } {
  const { type, code } = envelope.error;
  if (type === 'rate_limit_error') return { type: 'rate_limit_error' };
  if (type === 'insufficient_credits') return { type: 'billing_error' };
  if (code === 'service_unavailable' || code === 'keys_exhausted') return { type: 'overloaded_error' };
  if (code === 'upstream_timeout') return { type: 'timeout_error' };
  if (type === 'invalid_request_error') return { type: 'invalid_request_error' };
  return { type: 'api_error' };
}

/** The body Anthropic sends with an error. */
export function anthropicErrorBody(error: ApiError, requestId: string | undefined) {
  const message =
    error.param && !error.message.includes(error.param) ? `${error.param}: ${error.message}` : error.message;
  return {
    type: 'error' as const,
    error: { type: anthropicErrorOf(error.status).type, message },
    ...(requestId ? { request_id: requestId } : {}),
  };
}

/**
 * Writes an error in Anthropic's shape, with Anthropic's status and the `request-id` header. Used
 * by the controller's filter and, through core's error dialect hook, for errors before Nest (a
 * malformed body, a forged key).
 */
export function writeAnthropicError(error: ApiError, req: Request, res: Response): void {
  const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : undefined;
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  if (requestId) res.setHeader('request-id', requestId);
  res.status(anthropicErrorOf(error.status).status).json(anthropicErrorBody(error, requestId));
}

/**
 * The Messages controller's filter: every error in Anthropic's shape. Core's writer still maps
 * the exception, logs an unexpected one and notes it for the access line; only the shape differs.
 */
@Catch()
export class AnthropicExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    (res.locals as { errorRenderer?: ErrorRenderer }).errorRenderer = writeAnthropicError;
    writeError(exception, req, res);
  }
}
