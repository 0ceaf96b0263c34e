import { MAX_ERROR_BODY_BYTES } from '@switchyard/core';
import { ProviderError } from '../provider.port.js';

/** The error for an answer, or one streamed event, larger than UPSTREAM_MAX_ANSWER_BYTES. */
export function answerTooLarge(
  what: 'answer' | 'event',
  maxBytes: number,
  provider: string,
  status?: number,
): ProviderError {
  return new ProviderError(
    'server',
    `The upstream's ${what} is larger than UPSTREAM_MAX_ANSWER_BYTES (${maxBytes} bytes); it was not read further.`,
    { provider, upstreamStatus: status, upstreamCode: `${what}_too_large` },
  );
}

/**
 * The first MAX_ERROR_BODY_BYTES of a fetch answer's body as text, the rest cancelled: for what is
 * read only to be shown cut short or to free the connection (an error answer, a key check, a
 * token answer). Whole answers are bounded on the outbound policy's connections.
 */
export async function cappedText(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    while (bytes < MAX_ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.length;
    }
  } finally {
    reader.releaseLock();
    await response.body.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES));
}
