import type { ErrorDetail, ProviderError } from './provider-error.factory.js';

/**
 * Cohere's error body: `{id, message}` with the HTTP status, no code. Its context-length and
 * blocked-content refusals are 400s told apart only by their wording (as Cohere words them).
 */
export function cohereError(status: number, detail: ErrorDetail, fallback: string): ProviderError {
  if (detail.kind === 'context_length') {
    const message =
      'too many tokens: total number of tokens in the prompt cannot exceed 256000 - received 256001. Try using a shorter prompt or enabling prompt truncating.';
    return { status: 400, body: { id: 'sim-error', message } };
  }
  if (detail.kind === 'content_filter') {
    const message =
      'blocked input: please adjust your prompt and try again, as it may be a potential violation of our Usage Guidelines.';
    return { status: 400, body: { id: 'sim-error', message } };
  }
  return { status, body: { id: 'sim-error', message: detail.message ?? fallback } };
}
