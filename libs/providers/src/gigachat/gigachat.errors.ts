import { kindOfStatus } from '../openai-compatible/openai.errors.js';
import { ProviderError, type ProviderErrorKind } from '../provider.port.js';
import type { CallScope } from '../shared/call-scope.js';
import { headerValue, retryAfterMs } from '../shared/retry-after.js';
import { sanitize } from '../shared/sanitize.js';
import { classifyFetchError, errorBodyOf } from '../shared/transport-error.js';
import type { GigaChatErrorBody } from './gigachat.types.js';

// GigaChat has no error codes for these: its 4xx messages say it (422 "Tokens limit exceeded").
const CONTEXT_LENGTH = /tokens? limit|context length|too many tokens|maximum context/i;

/** Classifies a non-2xx GigaChat answer (chat or token exchange) into one ProviderError. */
export function gigachatHttpError(
  status: number,
  body: GigaChatErrorBody | null,
  headers: Headers | undefined,
  provider: string,
  secrets: readonly string[],
): ProviderError {
  const message = sanitize(typeof body?.message === 'string' ? body.message : '', secrets);
  let kind: ProviderErrorKind = kindOfStatus(status);
  if (kind === 'bad_request' && CONTEXT_LENGTH.test(message)) kind = 'context_length';
  return new ProviderError(kind, `${provider}: ${message || `upstream error ${status}`}`, {
    provider,
    upstreamStatus: status,
    ...(typeof body?.code === 'number' ? { upstreamCode: String(body.code) } : {}),
    retryAfterMs: retryAfterMs(headers),
    upstreamRequestId: headerValue(headers, 'x-request-id'),
  });
}

/** Reads a failed response's body and classifies it. */
export async function gigachatResponseError(
  response: Response,
  provider: string,
  secrets: readonly string[],
): Promise<ProviderError> {
  const body = await errorBodyOf<GigaChatErrorBody>(response);
  return gigachatHttpError(response.status, body, response.headers, provider, secrets);
}

/** Classifies anything thrown during a GigaChat call. */
export function classifyGigaChatError(
  error: unknown,
  scope: CallScope,
  secrets: readonly string[],
): ProviderError {
  return classifyFetchError(error, scope, secrets);
}
