import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ProviderError, type ProviderErrorKind } from '../provider.port.js';
import type { CallScope } from '../shared/call-scope.js';
import { retryAfterMs } from '../shared/retry-after.js';
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

function upstreamMessage(error: HttpApiError): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : error.message;
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

  const status = typeof error.status === 'number' ? error.status : undefined;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const type = typeof error.type === 'string' ? error.type : undefined;
  const kind: ProviderErrorKind =
    (code !== undefined ? BY_CODE[code] : undefined) ??
    (status !== undefined ? kindOfStatus(status) : undefined) ??
    (type !== undefined ? BY_TYPE[type] : undefined) ??
    'server';
  const message = sanitize(upstreamMessage(error), secrets);
  return new ProviderError(kind, `${provider}: ${message || `upstream error ${status ?? ''}`.trim()}`, {
    provider,
    upstreamStatus: status,
    upstreamCode: code ?? type,
    param: typeof error.param === 'string' ? error.param : undefined,
    retryAfterMs: retryAfterMs(error.headers),
    upstreamRequestId: error.requestID ?? undefined,
  });
}
