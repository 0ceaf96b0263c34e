import {
  type ApiError,
  InvalidRequestError,
  ModelNotFoundError,
  OUTBOUND_POLICY_CODE,
  PermissionDeniedError,
  UpstreamError,
} from '@switchyard/core';
import type { ProviderError } from '@switchyard/providers';

/** Errors that describe the request itself: never retried, never sent to another provider. */
export function isRequestError(err: ProviderError): boolean {
  return err.kind === 'bad_request' || err.kind === 'context_length' || err.kind === 'content_filter';
}

/** Errors that belong to one key: the next key of the same provider may serve the call. */
export function isKeyError(err: ProviderError): boolean {
  return (
    err.kind === 'auth' || err.kind === 'permission' || err.kind === 'rate_limit' || err.kind === 'quota'
  );
}

/** The outbound policy refused the key's base URL: that key cannot serve; another may. */
export function isPolicyRefusal(err: ProviderError): boolean {
  return err.upstreamCode === OUTBOUND_POLICY_CODE;
}

/** Errors worth retrying on the same key after a backoff. */
export function isTransient(err: ProviderError): boolean {
  if (isPolicyRefusal(err)) return false;
  // An answer past UPSTREAM_MAX_ANSWER_BYTES would be as large again: the next target is tried.
  if (err.upstreamCode === 'answer_too_large' || err.upstreamCode === 'event_too_large') return false;
  return err.kind === 'server' || err.kind === 'timeout' || err.kind === 'network';
}

/** The client-facing error for a request error the upstream reported. */
export function requestErrorFor(err: ProviderError): ApiError {
  const code =
    err.kind === 'context_length'
      ? 'context_length_exceeded'
      : err.kind === 'content_filter'
        ? 'content_filter'
        : (err.upstreamCode ?? 'invalid_request');
  return new InvalidRequestError(err.message, { code, param: err.param ?? null });
}

/**
 * The client-facing error once every target and key has failed: 503 when keys were spent
 * (invalid, rate limited, out of quota, none configured), 504 for timeouts, 502 otherwise.
 */
export function exhaustedErrorFor(model: string, last: ProviderError | undefined): ApiError {
  if (!last) {
    return new UpstreamError(
      503,
      `No provider key is available for ${model}. Every key is invalid, cooling down or missing.`,
      {
        code: 'no_available_keys',
      },
    );
  }
  if (last.kind === 'not_found') return new ModelNotFoundError(model);
  if (last.kind === 'permission' && last.upstreamStatus === undefined)
    return new PermissionDeniedError(last.message);
  if (isKeyError(last)) {
    const headers: Record<string, string> = {};
    if (last.retryAfterMs !== undefined)
      headers['retry-after'] = String(Math.max(1, Math.ceil(last.retryAfterMs / 1000)));
    return new UpstreamError(
      503,
      `Every provider key for ${model} is spent (${last.kind.replace('_', ' ')}). Try again later.`,
      {
        code: 'keys_exhausted',
        headers,
      },
    );
  }
  if (last.kind === 'timeout')
    return new UpstreamError(504, `The provider did not answer in time for ${model}.`);
  if (last.kind === 'aborted')
    return new InvalidRequestError('The request was cancelled.', { code: 'request_aborted' });
  return new UpstreamError(502, `The provider failed to serve ${model}: ${last.message}`);
}
