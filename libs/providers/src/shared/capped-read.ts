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
 * A fetch answer's body as text, read up to `maxBytes`: past it the body is cancelled and
 * `tooLarge()` is thrown, or, without `tooLarge`, the first `maxBytes` are the text (an error
 * answer, whose message is shown cut short anyway).
 */
export async function cappedText(
  response: Response,
  maxBytes: number,
  tooLarge?: () => Error,
): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      if (bytes > maxBytes) {
        if (tooLarge) throw tooLarge();
        chunks.push(value.subarray(0, value.length - (bytes - maxBytes)));
        break;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
    await response.body.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
