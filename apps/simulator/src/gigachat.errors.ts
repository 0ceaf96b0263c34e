import type { ErrorDetail, ProviderError } from './provider-error.factory.js';

/**
 * GigaChat's error body: `{status, message}`. A prompt over the context window is a 422 named
 * only in words; filtered content is not an error at all (a 200 with finish_reason `blacklist`,
 * answered by the chat handler).
 */
export function gigachatError(status: number, detail: ErrorDetail, fallback: string): ProviderError {
  if (detail.kind === 'context_length') {
    const message = 'Tokens limit exceeded: the prompt has 131073 tokens, the model accepts 131072.';
    return { status: 422, body: { status: 422, message } };
  }
  return { status, body: { status, message: detail.message ?? fallback } };
}
