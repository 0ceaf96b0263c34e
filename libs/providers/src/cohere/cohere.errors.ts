import { kindOfStatus } from '../openai-compatible/openai.errors.js';
import { ProviderError, type ProviderErrorKind } from '../provider.port.js';
import type { CallScope } from '../shared/call-scope.js';
import { headerValue, retryAfterMs } from '../shared/retry-after.js';
import { sanitize } from '../shared/sanitize.js';
import { classifyFetchError, errorBodyOf } from '../shared/transport-error.js';
import type { CohereErrorBody } from './cohere.types.js';

// Cohere's statuses beyond the shared ones: 498 is its "invalid token", 499 a request it cancelled.
const BY_STATUS: Record<number, ProviderErrorKind> = { 498: 'auth', 499: 'server' };

// Cohere has no error codes, only messages: these two cases are told apart by their wording.
const CONTEXT_LENGTH = /too many tokens|context length|prompt is too long|exceeds? the (?:maximum|model)/i;
const BLOCKED = /blocked (?:input|output)|usage guidelines|safety/i;

/** Classifies a non-2xx Cohere answer into one ProviderError. */
export function cohereHttpError(
  status: number,
  body: CohereErrorBody | null,
  headers: Headers | undefined,
  provider: string,
  secrets: readonly string[],
): ProviderError {
  const message = sanitize(typeof body?.message === 'string' ? body.message : '', secrets);
  let kind: ProviderErrorKind = BY_STATUS[status] ?? kindOfStatus(status);
  if (kind === 'bad_request' && CONTEXT_LENGTH.test(message)) kind = 'context_length';
  else if (kind === 'bad_request' && BLOCKED.test(message)) kind = 'content_filter';
  return new ProviderError(kind, `${provider}: ${message || `upstream error ${status}`}`, {
    provider,
    upstreamStatus: status,
    retryAfterMs: retryAfterMs(headers),
    upstreamRequestId:
      (typeof body?.id === 'string' ? body.id : undefined) ?? headerValue(headers, 'x-request-id'),
  });
}

/** Reads a failed response's body and classifies it. */
export async function cohereResponseError(
  response: Response,
  provider: string,
  secrets: readonly string[],
): Promise<ProviderError> {
  const body = await errorBodyOf<CohereErrorBody>(response);
  return cohereHttpError(response.status, body, response.headers, provider, secrets);
}

/** Classifies anything thrown during a Cohere call. */
export function classifyCohereError(
  error: unknown,
  scope: CallScope,
  secrets: readonly string[],
): ProviderError {
  return classifyFetchError(error, scope, secrets);
}
