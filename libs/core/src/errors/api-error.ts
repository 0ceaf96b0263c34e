/**
 * The OpenAI error envelope. Every error response of the gateway, on /v1 and on /api/v1, has
 * exactly this shape: `{"error":{"message","type","code","param"}}`.
 */
export interface ErrorEnvelope {
  error: {
    message: string;
    type: string;
    code: string | null;
    param: string | null;
    [extra: string]: unknown;
  };
}

export interface ApiErrorOptions {
  code?: string | null;
  param?: string | null;
  /** Extra response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
  /** Extra fields merged into `error` (e.g. balance and estimate on a 402). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** A domain error that maps to one HTTP status and one OpenAI error type. */
export abstract class ApiError extends Error {
  abstract readonly status: number;
  abstract readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  readonly details: Record<string, unknown>;

  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
  }

  toEnvelope(): ErrorEnvelope {
    return {
      error: { message: this.message, type: this.type, code: this.code, param: this.param, ...this.details },
    };
  }
}

export class InvalidRequestError extends ApiError {
  readonly status = 400;
  readonly type = 'invalid_request_error';
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message, { code: 'invalid_request', ...options });
  }
}

export class AuthenticationError extends ApiError {
  readonly status = 401;
  readonly type = 'authentication_error';
  constructor(message = 'Missing or invalid credentials.', options: ApiErrorOptions = {}) {
    super(message, { code: 'invalid_api_key', ...options });
  }
}

export class InsufficientCreditsError extends ApiError {
  readonly status = 402;
  readonly type = 'insufficient_credits';
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message, { code: 'insufficient_credits', ...options });
  }
}

export class PermissionDeniedError extends ApiError {
  readonly status = 403;
  readonly type = 'permission_error';
  constructor(message = 'You do not have permission to do this.', options: ApiErrorOptions = {}) {
    super(message, { code: 'permission_denied', ...options });
  }
}

export class NotFoundError extends ApiError {
  readonly status = 404;
  readonly type = 'invalid_request_error';
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message, { code: 'not_found', ...options });
  }
}

export class ModelNotFoundError extends NotFoundError {
  /** `hint`: a sentence added to the message (where the name does exist, how to reach it). */
  constructor(model: string, { hint, ...options }: ApiErrorOptions & { hint?: string } = {}) {
    super(`The model '${model}' does not exist or is not available to you.${hint ? ` ${hint}` : ''}`, {
      code: 'model_not_found',
      param: 'model',
      ...options,
    });
  }
}

export class ConflictError extends ApiError {
  readonly status = 409;
  readonly type = 'invalid_request_error';
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message, { code: 'conflict', ...options });
  }
}

export class PayloadTooLargeError extends ApiError {
  readonly status = 413;
  readonly type = 'invalid_request_error';
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message, { code: 'request_too_large', ...options });
  }
}

/** A `Retry-After` header of whole seconds (at least one) before the error's own headers. */
function withRetryAfter(seconds: number, headers: Record<string, string> = {}): Record<string, string> {
  return { 'retry-after': String(Math.max(1, Math.ceil(seconds))), ...headers };
}

export class RateLimitError extends ApiError {
  readonly status = 429;
  readonly type = 'rate_limit_error';
  constructor(message: string, retryAfterSeconds: number, options: ApiErrorOptions = {}) {
    super(message, {
      code: 'rate_limit_exceeded',
      ...options,
      headers: withRetryAfter(retryAfterSeconds, options.headers),
    });
  }
}

/** Any other client error status (405, 406, 415, ...). */
export class ClientError extends ApiError {
  readonly type = 'invalid_request_error';
  constructor(
    readonly status: number,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message, options);
  }
}

export class InternalError extends ApiError {
  readonly status = 500;
  readonly type = 'server_error';
  constructor(
    message = 'The server had an error while processing your request.',
    options: ApiErrorOptions = {},
  ) {
    super(message, { code: 'internal_error', ...options });
  }
}

/** The gateway itself is at a limit it keeps to stay up (e.g. request bytes in flight): retry shortly. */
export class ServerBusyError extends ApiError {
  readonly status = 503;
  readonly type = 'server_error';
  constructor(message: string, retryAfterSeconds: number, options: ApiErrorOptions = {}) {
    super(message, {
      code: 'server_busy',
      ...options,
      headers: withRetryAfter(retryAfterSeconds, options.headers),
    });
  }
}

/** The upstream provider failed in a way the gateway could not recover from. */
export class UpstreamError extends ApiError {
  readonly type = 'upstream_error';
  constructor(
    readonly status: 502 | 503 | 504,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message, {
      code: status === 503 ? 'service_unavailable' : status === 504 ? 'upstream_timeout' : 'upstream_error',
      ...options,
    });
  }
}
