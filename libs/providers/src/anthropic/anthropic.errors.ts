import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { kindOfStatus } from '../openai-compatible/openai.errors.js';
import { ProviderError, type ProviderErrorKind } from '../provider.port.js';
import type { CallScope } from '../shared/call-scope.js';
import { retryAfterMs } from '../shared/retry-after.js';
import { sanitize } from '../shared/sanitize.js';
import { transportError } from '../shared/transport-error.js';

// Anthropic's error.type, which names the class (529 overloaded_error included).
const BY_TYPE: Record<string, ProviderErrorKind> = {
  invalid_request_error: 'bad_request',
  request_too_large: 'bad_request',
  authentication_error: 'auth',
  permission_error: 'permission',
  billing_error: 'quota',
  not_found_error: 'not_found',
  rate_limit_error: 'rate_limit',
  overloaded_error: 'server',
  api_error: 'server',
  timeout_error: 'server',
};

// error.details.error_code values (newer API versions) that refine an invalid request.
const BY_ERROR_CODE: Record<string, ProviderErrorKind> = {
  prompt_too_long: 'context_length',
  context_length_exceeded: 'context_length',
  content_filtered: 'content_filter',
};

// Without an error_code, Anthropic tells these two apart from other 400s only in words.
const CONTEXT_LENGTH = /prompt is too long|exceeds? (the )?(maximum )?context/i;
const CONTENT_FILTER = /content filtering policy|blocked by content filter/i;

function bodyError(error: HttpApiError): { type?: string; message?: string } {
  const body = error.error as { error?: { type?: unknown; message?: unknown } } | undefined;
  const inner = body?.error;
  return {
    type: typeof inner?.type === 'string' ? inner.type : undefined,
    message: typeof inner?.message === 'string' ? inner.message : undefined,
  };
}

/** APIError with its type parameters pinned (instanceof alone narrows them to any). */
type HttpApiError = APIError<number | undefined, Headers | undefined, object | undefined>;

function isApiError(error: unknown): error is HttpApiError {
  return error instanceof APIError;
}

/** Classifies anything the Anthropic SDK threw (or a network failure under it) into one ProviderError. */
export function classifyAnthropicError(
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
  const inner = bodyError(error);
  const type = error.type ?? inner.type;
  const message = sanitize(error.apiMessage ?? inner.message ?? '', secrets);
  const errorCode = error.errorCode ?? undefined;
  let kind: ProviderErrorKind =
    (errorCode !== undefined ? BY_ERROR_CODE[errorCode] : undefined) ??
    (type !== undefined ? BY_TYPE[type] : undefined) ??
    (status !== undefined ? kindOfStatus(status) : 'server');
  if (kind === 'bad_request' && errorCode === undefined) {
    if (CONTEXT_LENGTH.test(message)) kind = 'context_length';
    else if (CONTENT_FILTER.test(message)) kind = 'content_filter';
  }
  return new ProviderError(kind, `${provider}: ${message || `upstream error ${status ?? ''}`.trim()}`, {
    provider,
    upstreamStatus: status,
    upstreamCode: errorCode ?? type,
    retryAfterMs: retryAfterMs(error.headers),
    upstreamRequestId: error.requestID ?? undefined,
  });
}
