import { ApiError, InvalidRequestError, OUTBOUND_POLICY_CODE, type OutboundPolicy } from '@switchyard/core';

export interface SafeFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  /** The request parameter to blame in errors. */
  param: string;
  /**
   * Told, before the body is read, how many bytes it may hold: its Content-Length, else
   * `maxBytes`. May throw (an ApiError, e.g. a 503 when that would pass the bytes in flight):
   * the body is then not read and the error goes to the caller as it is.
   */
  onSize?: (bytes: number) => void;
}

function refusedByPolicy(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { code?: unknown }).code === OUTBOUND_POLICY_CODE) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * GETs a URL a caller gave (an image to describe) through the outbound policy: https and public
 * addresses only unless the operator allows more, checked when the socket resolves the name. No
 * redirects; at most `maxBytes`; every failure a 400 naming `param`.
 */
export async function safeFetch(
  raw: string,
  policy: OutboundPolicy,
  options: SafeFetchOptions,
): Promise<{ bytes: Buffer; type: string }> {
  const fail = (message: string) =>
    new InvalidRequestError(message, { param: options.param, code: 'invalid_image_url' });
  const problem = policy.problem(raw);
  if (problem) throw fail(`The image URL is refused by the outbound policy: ${problem}.`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const response = await policy.fetch(raw, { redirect: 'manual', signal: controller.signal });
    const status = response.status;
    if (status !== 200) {
      await response.body?.cancel();
      throw fail(
        `Fetching the image URL failed with HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}.`,
      );
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > options.maxBytes) {
      await response.body?.cancel();
      throw fail(`The image at the URL is larger than ${options.maxBytes} bytes.`);
    }
    if (options.onSize) {
      try {
        options.onSize(declared > 0 ? declared : options.maxBytes);
      } catch (error) {
        await response.body?.cancel();
        throw error;
      }
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += (chunk as Uint8Array).byteLength;
      if (size > options.maxBytes) {
        controller.abort();
        throw fail(`The image at the URL is larger than ${options.maxBytes} bytes.`);
      }
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return { bytes: Buffer.concat(chunks), type: response.headers.get('content-type') ?? '' };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (refusedByPolicy(error))
      throw fail('The image URL is refused by the outbound policy: the address is not public.');
    if (controller.signal.aborted) throw fail('Fetching the image URL timed out.');
    throw fail('Fetching the image URL failed: the connection could not be made.');
  } finally {
    clearTimeout(timer);
  }
}

const IMAGE_SIGNATURES: Array<[string, (b: Buffer) => boolean]> = [
  [
    'image/png',
    (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  ],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1'))],
  [
    'image/webp',
    (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  ],
];

/** The image type of `bytes` from its signature, or null when it is not PNG, JPEG, GIF or WebP. */
export function imageTypeOf(bytes: Buffer): string | null {
  return IMAGE_SIGNATURES.find(([, test]) => test(bytes))?.[0] ?? null;
}

/**
 * Checks a `data:` URL is a base64 image whose bytes really are one; returns them. Anything
 * else is a 400 naming `param`.
 */
export function decodeImageDataUrl(url: string, param: string): { bytes: Buffer; type: string } {
  const m = /^data:(image\/(?:png|jpeg|jpg|gif|webp));base64,([A-Za-z0-9+/=\s]+)$/i.exec(url);
  const fail = () =>
    new InvalidRequestError('The data URL is not an image (PNG, JPEG, GIF or WebP, base64).', {
      param,
      code: 'invalid_image_url',
    });
  if (!m) throw fail();
  const bytes = Buffer.from(m[2]!, 'base64');
  const type = imageTypeOf(bytes);
  if (!type) throw fail();
  return { bytes, type };
}

/** The length of a base64 data URL holding `bytes` bytes of this type. */
export function dataUrlLength(mime: string, bytes: number): number {
  return `data:${mime};base64,`.length + 4 * Math.ceil(bytes / 3);
}
