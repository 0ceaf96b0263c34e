import { HttpException } from '@nestjs/common';
import {
  ApiError,
  AuthenticationError,
  ClientError,
  InternalError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
} from './api-error.js';

/** The error body-parser attaches to its failures (malformed JSON, oversize body, bad charset). */
interface BodyParserError {
  type: string;
  status?: number;
  statusCode?: number;
  limit?: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as BodyParserError).type === 'string' &&
    typeof ((err as BodyParserError).status ?? (err as BodyParserError).statusCode) === 'number'
  );
}

/** Nest's HttpException bodies are a string, or `{message: string | string[]}`. */
function messageOf(response: unknown): string | undefined {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.filter((m) => typeof m === 'string').join('; ');
  return undefined;
}

function fromHttpException(err: HttpException, method: string, path: string): ApiError {
  const status = err.getStatus();
  const text = messageOf(err.getResponse()) ?? err.message;
  switch (status) {
    case 400:
      return new InvalidRequestError(text);
    case 401:
      return new AuthenticationError(text);
    case 403:
      return new PermissionDeniedError(text);
    case 404:
      // Nest's router says "Cannot GET /x"; an unknown route reads better as OpenAI words it.
      return text.startsWith('Cannot ')
        ? new NotFoundError(`Unknown request URL: ${method} ${path}.`, { code: 'unknown_url' })
        : new NotFoundError(text);
    case 413:
      return new PayloadTooLargeError(text);
    case 429: {
      return new RateLimitError(text, 60);
    }
    default:
      if (status >= 400 && status < 500) {
        return new ClientError(status, text);
      }
      return new InternalError();
  }
}

/**
 * Turns anything thrown during a request into an ApiError. Unknown errors become a 500 that
 * carries no internals; the caller logs the original.
 */
export function toApiError(
  err: unknown,
  method: string,
  path: string,
): { error: ApiError; unexpected: boolean } {
  if (err instanceof ApiError) return { error: err, unexpected: false };
  if (err instanceof HttpException) {
    const error = fromHttpException(err, method, path);
    return { error, unexpected: error.status >= 500 };
  }
  if (isBodyParserError(err)) {
    switch (err.type) {
      case 'entity.parse.failed':
        return {
          error: new InvalidRequestError(
            'We could not parse the JSON body of your request. The body must be valid JSON.',
            { code: 'invalid_json' },
          ),
          unexpected: false,
        };
      case 'entity.too.large':
        return {
          error: new PayloadTooLargeError(
            `The request body is larger than the limit of ${err.limit ?? 'the configured'} bytes.`,
          ),
          unexpected: false,
        };
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return {
          error: new InvalidRequestError('Unsupported content encoding or charset.', {
            code: 'unsupported_encoding',
          }),
          unexpected: false,
        };
      case 'request.aborted':
        return {
          error: new InvalidRequestError('The request was aborted.', { code: 'request_aborted' }),
          unexpected: false,
        };
      default:
        break;
    }
  }
  return { error: new InternalError(), unexpected: true };
}
