import { kindOfStatus } from '../openai-compatible/openai.errors.js';
import { ProviderError, type ProviderErrorKind } from '../provider.port.js';
import type { CallScope } from '../shared/call-scope.js';
import { durationMs, retryAfterMs } from '../shared/retry-after.js';
import { sanitize } from '../shared/sanitize.js';
import { classifyFetchError, errorBodyOf } from '../shared/transport-error.js';
import type { GeminiErrorBody } from './gemini.types.js';

// google.rpc.Code names, which say more than the HTTP status they travel with.
const BY_RPC_STATUS: Record<string, ProviderErrorKind> = {
  INVALID_ARGUMENT: 'bad_request',
  FAILED_PRECONDITION: 'bad_request',
  OUT_OF_RANGE: 'bad_request',
  UNIMPLEMENTED: 'bad_request',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'permission',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limit',
  DEADLINE_EXCEEDED: 'server',
  UNAVAILABLE: 'server',
  INTERNAL: 'server',
  UNKNOWN: 'server',
  ABORTED: 'server',
  CANCELLED: 'server',
  DATA_LOSS: 'server',
};

// google.rpc.ErrorInfo reasons that override the status (Gemini answers a bad key with 400).
const BY_REASON: Record<string, ProviderErrorKind> = {
  API_KEY_INVALID: 'auth',
  API_KEY_EXPIRED: 'auth',
  API_KEY_SERVICE_BLOCKED: 'permission',
  SERVICE_DISABLED: 'permission',
  BILLING_DISABLED: 'quota',
};

// Gemini reports these only in words: there is no code for "too many tokens" or "blocked".
const CONTEXT_LENGTH = /input token count.*exceeds|exceeds the maximum number of tokens|too many tokens/i;
const BLOCKED = /blocked by the safety|safety filter|prohibited content/i;

function detailOf(
  details: ReadonlyArray<Record<string, unknown>>,
  type: string,
): Record<string, unknown> | undefined {
  return details.find((d) => typeof d['@type'] === 'string' && d['@type'].endsWith(type));
}

/** Classifies a non-2xx Gemini answer (or an error frame inside a stream) into one ProviderError. */
export function geminiHttpError(
  status: number | undefined,
  body: GeminiErrorBody | null,
  headers: Headers | undefined,
  provider: string,
  secrets: readonly string[],
): ProviderError {
  const error = body?.error;
  const details = Array.isArray(error?.details) ? error.details : [];
  const rpcStatus = typeof error?.status === 'string' ? error.status : undefined;
  const reason = detailOf(details, 'google.rpc.ErrorInfo')?.reason;
  const message = sanitize(typeof error?.message === 'string' ? error.message : '', secrets);
  const httpStatus = status ?? (typeof error?.code === 'number' ? error.code : undefined);

  let kind: ProviderErrorKind =
    (typeof reason === 'string' ? BY_REASON[reason] : undefined) ??
    (rpcStatus !== undefined ? BY_RPC_STATUS[rpcStatus] : undefined) ??
    (httpStatus !== undefined ? kindOfStatus(httpStatus) : 'server');
  if (kind === 'bad_request' && CONTEXT_LENGTH.test(message)) kind = 'context_length';
  else if (kind === 'bad_request' && BLOCKED.test(message)) kind = 'content_filter';

  const retryDelay = durationMs(detailOf(details, 'google.rpc.RetryInfo')?.retryDelay);
  return new ProviderError(kind, `${provider}: ${message || `upstream error ${httpStatus ?? ''}`.trim()}`, {
    provider,
    upstreamStatus: httpStatus,
    upstreamCode: typeof reason === 'string' ? reason : rpcStatus,
    retryAfterMs: retryDelay ?? retryAfterMs(headers),
  });
}

/** Reads a failed response's body (bounded by the call's deadline) and classifies it. */
export async function geminiResponseError(
  response: Response,
  provider: string,
  secrets: readonly string[],
): Promise<ProviderError> {
  const body = await errorBodyOf<GeminiErrorBody>(response);
  return geminiHttpError(response.status, body, response.headers, provider, secrets);
}

/** Classifies anything thrown during a Gemini call. */
export function classifyGeminiError(
  error: unknown,
  scope: CallScope,
  secrets: readonly string[],
): ProviderError {
  return classifyFetchError(error, scope, secrets);
}

/** A prompt Gemini refused outright (200 with promptFeedback.blockReason and no candidates). */
export function blockedPrompt(provider: string, reason: string): ProviderError {
  return new ProviderError('content_filter', `${provider}: the prompt was blocked (${reason}).`, {
    provider,
    upstreamCode: reason,
  });
}
