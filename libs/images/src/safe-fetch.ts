import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { InvalidRequestError } from '@switchyard/core';

/** Addresses the gateway never fetches from (unless the host is allow-listed). */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/** True when `address` is loopback, private, link-local, CGNAT, multicast, reserved or unspecified. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return true;
}

/** Whether `host` matches an allow-list entry (exact, or `*.example.com` for its subdomains). */
export function allowListed(host: string, allowlist: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return allowlist.some((entry) => (entry.startsWith('*.') ? h.endsWith(entry.slice(1)) : h === entry));
}

export interface SafeFetchOptions {
  allowlist: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  /** The request parameter to blame in errors. */
  param: string;
}

/**
 * GETs an https URL for the gateway itself (never a client's http/file/other scheme), refusing
 * every address that is not public unless the host is allow-listed. The check runs in the
 * socket's own DNS lookup, so a name cannot resolve to a public address for the check and a
 * private one for the connection. No redirects; at most `maxBytes`.
 */
export async function safeFetch(
  raw: string,
  options: SafeFetchOptions,
): Promise<{ bytes: Buffer; type: string }> {
  const fail = (message: string) =>
    new InvalidRequestError(message, { param: options.param, code: 'invalid_image_url' });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail('The image URL is not a valid URL.');
  }
  if (url.protocol !== 'https:') throw fail('Image URLs the gateway fetches must be https.');
  if (url.username || url.password) throw fail('Image URLs must not carry credentials.');
  const trusted = allowListed(url.hostname, options.allowlist);
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!trusted && isIP(literal) && isPrivateAddress(literal)) {
    throw fail('The image URL points at a private address.');
  }
  let blocked = false;
  const lookup = (
    hostname: string,
    opts: object,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...opts, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, []);
      const usable = trusted ? addresses : addresses.filter((a) => !isPrivateAddress(a.address));
      if (usable.length === 0 || usable.length !== addresses.length) {
        blocked = true;
        const error: NodeJS.ErrnoException = new Error('private address');
        error.code = 'EPRIVATE';
        return callback(error, []);
      }
      if ((opts as { all?: boolean }).all) return callback(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'GET', lookup, timeout: options.timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        res.resume();
        reject(
          fail(
            `Fetching the image URL failed with HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}.`,
          ),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          req.destroy();
          reject(fail(`The image at the URL is larger than ${options.maxBytes} bytes.`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({ bytes: Buffer.concat(chunks), type: String(res.headers['content-type'] ?? '') }),
      );
      res.on('error', (e) => reject(fail(`Fetching the image URL failed: ${e.message}.`)));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) =>
      reject(
        blocked
          ? fail('The image URL resolves to a private address.')
          : fail(`Fetching the image URL failed: ${e.message}.`),
      ),
    );
    req.end();
  });
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
