import { ANSWER_TOO_LARGE_CODE, OUTBOUND_POLICY_CODE } from '@switchyard/core';
import { ProviderError, type ProviderErrorKind } from '../provider.port.js';
import type { CallScope } from './call-scope.js';
import { cappedText } from './capped-read.js';
import { sanitize } from './sanitize.js';

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The first `code` (ECONNREFUSED, UND_ERR_SOCKET, ...) along an error's cause chain. */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The outbound policy's refusal along an error's cause chain, if that is what failed. */
function policyRefusal(error: unknown): Error | undefined {
  return causeWithCode(error, OUTBOUND_POLICY_CODE);
}

/** The error, or one of its causes, with this `code`. */
function causeWithCode(error: unknown, code: string): Error | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { code?: unknown }).code === code) return current as Error;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether an error is the HTTP client reporting a failed connection (undici's fetch failed / terminated). */
function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError && (error.message === 'fetch failed' || error.message === 'terminated');
}

/**
 * Errors that never reached an HTTP status: refused or reset connections, a connection cut
 * mid-body, a body that is not the JSON it claims to be. All are `network` (or `timeout` when
 * the socket layer timed out), so the routing layer may try elsewhere. Anything else is a fault
 * of the adapter itself, reported as `server` (code `adapter_error`) so the call can still fail
 * over while the message shows what broke.
 */
export function transportError(
  error: unknown,
  provider: string,
  secrets: readonly string[],
  connectionFailed = false,
): ProviderError {
  if (error instanceof ProviderError) return error;
  const refusal = policyRefusal(error);
  if (refusal) {
    // Never retried into the same wall, never the address: the reason names the rule only.
    return new ProviderError('network', `${provider}: the upstream URL is ${refusal.message}`, {
      provider,
      upstreamCode: OUTBOUND_POLICY_CODE,
    });
  }
  const tooLarge = causeWithCode(error, ANSWER_TOO_LARGE_CODE);
  if (tooLarge) {
    // Not retried: the answer would be as large again (see isTransient).
    return new ProviderError('server', `${provider}: ${tooLarge.message}`, {
      provider,
      upstreamCode: 'answer_too_large',
    });
  }
  const code = errorCode(error);
  const malformed = (error as { name?: unknown } | null)?.name === 'SyntaxError';
  const message = (error as { message?: unknown } | null)?.message;
  const detail = sanitize(typeof message === 'string' ? message : String(error), secrets);
  if (!code && !malformed && !connectionFailed && !isFetchFailure(error)) {
    return new ProviderError('server', `${provider}: unexpected adapter failure: ${detail}`, {
      provider,
      upstreamCode: 'adapter_error',
    });
  }
  const kind: ProviderErrorKind = code && TIMEOUT_CODES.has(code) ? 'timeout' : 'network';
  const what = malformed
    ? 'the upstream sent a malformed response'
    : `the connection to the upstream failed${code ? ` (${code})` : ''}`;
  return new ProviderError(kind, `${provider}: ${what}${detail ? `: ${detail}` : ''}`, {
    provider,
    upstreamCode: malformed ? 'malformed_response' : code,
  });
}

/**
 * Classifies anything thrown during a fetch-based call (Gemini, Cohere, GigaChat): a ProviderError
 * as it is, else the caller's abort or our deadline, else a transport failure.
 */
export function classifyFetchError(
  error: unknown,
  scope: CallScope,
  secrets: readonly string[],
): ProviderError {
  if (error instanceof ProviderError) return error;
  return scope.interruption() ?? transportError(error, scope.provider, secrets);
}

/** A failed response's JSON body, or null when it is not JSON (a proxy's HTML page, say). */
export async function errorBodyOf<T>(response: Response): Promise<T | null> {
  try {
    return JSON.parse(await cappedText(response)) as T;
  } catch {
    return null;
  }
}
