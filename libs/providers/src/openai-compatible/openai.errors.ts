import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ProviderError, type ProviderErrorKind } from '../provider.port.js';
import type { CallScope } from '../shared/call-scope.js';
import { headerValue, retryAfterMs, type HeaderSource } from '../shared/retry-after.js';
import { sanitize } from '../shared/sanitize.js';
import { transportError } from '../shared/transport-error.js';

// OpenAI's `error.code` values that decide the class on their own, whatever the status.
const BY_CODE: Record<string, ProviderErrorKind> = {
  context_length_exceeded: 'context_length',
  string_above_max_length: 'context_length',
  content_filter: 'content_filter',
  content_policy_violation: 'content_filter',
  insufficient_quota: 'quota',
  billing_hard_limit_reached: 'quota',
  invalid_api_key: 'auth',
  model_not_found: 'not_found',
  rate_limit_exceeded: 'rate_limit',
};

// `error.type` of errors sent inside a stream, which have no HTTP status.
const BY_TYPE: Record<string, ProviderErrorKind> = {
  invalid_request_error: 'bad_request',
  authentication_error: 'auth',
  permission_error: 'permission',
  rate_limit_error: 'rate_limit',
  insufficient_quota: 'quota',
  server_error: 'server',
};

/** The class of an HTTP status, shared by every wire format. */
export function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 401) return 'auth';
  if (status === 402) return 'quota';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'server';
  if (status === 409) return 'server';
  return 'bad_request';
}

/** An OpenAI-style failure as the upstream sent it: a non-2xx answer, or an `error` frame in a stream. */
export interface OpenAIErrorResponse {
  /** The HTTP status; undefined for an error sent inside a stream. */
  status: number | undefined;
  /** The response headers (Retry-After, x-request-id). */
  headers: HeaderSource;
  /** The body's `error` member (OpenAI's `{ message, type, code, param }`), whatever shape it came in. */
  error: unknown;
  /** What to say when `error` carries no message of its own (see {@link openAIErrorMessage}). */
  message: string;
}

/**
 * The message the openai SDK gives an error without a usable `error.message`: `error` as JSON, or
 * the raw body when it was not JSON, after the status. Kept identical so both transports report
 * the same text.
 */
export function openAIErrorMessage(status: number | undefined, error: unknown, rawBody?: string): string {
  const body = error as { message?: unknown } | null | undefined;
  const msg = body?.message
    ? typeof body.message === 'string'
      ? body.message
      : JSON.stringify(body.message)
    : error
      ? JSON.stringify(error)
      : rawBody;
  if (status && msg) return `${status} ${msg}`;
  if (status) return `${status} status code (no body)`;
  return msg || '(no status code or body)';
}

/**
 * The one classification of an OpenAI-style upstream error, from its status, headers and parsed
 * error object: `error.code`, then the status, then `error.type` decide the kind; the message is
 * the upstream's, cleaned of secrets. Both transports (the SDK's and the direct HTTP one) use it.
 */
export function openAIHttpError(
  response: OpenAIErrorResponse,
  provider: string,
  secrets: readonly string[],
): ProviderError {
  const { status, headers } = response;
  const error =
    typeof response.error === 'object' && response.error !== null
      ? (response.error as Record<string, unknown>)
      : undefined;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const type = typeof error?.type === 'string' ? error.type : undefined;
  const kind: ProviderErrorKind =
    (code !== undefined ? BY_CODE[code] : undefined) ??
    (status !== undefined ? kindOfStatus(status) : undefined) ??
    (type !== undefined ? BY_TYPE[type] : undefined) ??
    'server';
  const upstream = typeof error?.message === 'string' ? error.message : response.message;
  const message = sanitize(upstream, secrets);
  return new ProviderError(kind, `${provider}: ${message || `upstream error ${status ?? ''}`.trim()}`, {
    provider,
    upstreamStatus: status,
    upstreamCode: code ?? type,
    param: typeof error?.param === 'string' ? error.param : undefined,
    retryAfterMs: retryAfterMs(headers),
    upstreamRequestId: headerValue(headers, 'x-request-id'),
  });
}

/** APIError with its type parameters pinned (instanceof alone narrows them to any). */
type HttpApiError = APIError<number | undefined, Headers | undefined, object | undefined>;

function isApiError(error: unknown): error is HttpApiError {
  return error instanceof APIError;
}

/** Classifies anything the openai SDK threw (or a network failure under it) into one ProviderError. */
export function classifyOpenAIError(
  error: unknown,
  scope: CallScope,
  secrets: readonly string[],
): ProviderError {
  if (error instanceof ProviderError) return error;
  const provider = scope.provider;
  const interrupted = scope.interruption();
  if (interrupted) return interrupted;
  if (error instanceof APIUserAbortError) {
    return new ProviderError('aborted', `${provider}: the request was cancelled.`, { provider });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError('timeout', `${provider}: no response within ${scope.timeoutMs} ms.`, {
      provider,
    });
  }
  if (error instanceof APIConnectionError)
    return transportError(error.cause ?? error, provider, secrets, true);
  if (!isApiError(error)) return transportError(error, provider, secrets);
  return openAIHttpError(
    {
      status: typeof error.status === 'number' ? error.status : undefined,
      headers: error.headers,
      error: error.error,
      message: error.message,
    },
    provider,
    secrets,
  );
}
