import { InvalidRequestError } from '@switchyard/core';

export const MAX_DEFAULT_HEADERS = 32;
const MAX_VALUE_LENGTH = 4096;
/** RFC 9110 field-name token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Visible ASCII and spaces/tabs inside: what an HTTP header value can carry unmangled. */
const VALUE = /^[\u0020-\u007e\t]*$/;

/**
 * Headers the gateway's transports own: hop-by-hop, framing and encoding (the transport reads
 * bodies as identity), and Host (the outbound policy checks the URL, not a header's claim).
 */
const RESERVED = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'accept-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

/** Names whose values are credentials or session material. */
const SECRET_NAME = /auth|key|token|secret|passw|cookie|session|signature|credential|bearer/i;
/** Values that look like credentials whatever the header is called. */
const SECRET_VALUE =
  /^(?:bearer|basic|token)\s+\S|^(?:sk|pk|rk|gsk|xai|hf)[-_][A-Za-z0-9_-]{8,}|^AIza[A-Za-z0-9_-]{20,}/i;

/** Whether a header value is shown masked. */
export function isSecretHeader(name: string, value: string): boolean {
  return SECRET_NAME.test(name) || SECRET_VALUE.test(value.trim());
}

/** How a secret-looking value is shown: its last four characters, and only when it is long enough. */
export function maskValue(value: string): string {
  return value.length >= 12 ? `…${value.slice(-4)}` : '…';
}

/** The headers as the API shows them: secret-looking values masked. */
export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      isSecretHeader(name, value) ? maskValue(value) : value,
    ]),
  );
}

/**
 * Checks default headers from a request (400 naming `default_headers.<name>`). When `stored` is
 * given (an update), a value sent back exactly as it is shown masked keeps the stored value, so
 * a console can round-trip what it read.
 */
export function checkHeaders(
  raw: Record<string, unknown>,
  stored: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const entries = Object.entries(raw);
  if (entries.length > MAX_DEFAULT_HEADERS) {
    throw new InvalidRequestError(`At most ${MAX_DEFAULT_HEADERS} default headers.`, {
      param: 'default_headers',
      code: 'invalid_value',
    });
  }
  const storedByName = new Map(Object.entries(stored).map(([n, v]) => [n.toLowerCase(), v]));
  const seen = new Set<string>();
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    const param = `default_headers.${name}`;
    const fail = (message: string) => new InvalidRequestError(message, { param, code: 'invalid_value' });
    if (!TOKEN.test(name)) throw fail(`"${name.slice(0, 100)}" is not a valid header name.`);
    const lower = name.toLowerCase();
    if (RESERVED.has(lower)) throw fail(`The gateway sets ${name} itself; it cannot be a default header.`);
    if (seen.has(lower)) throw fail(`The header ${name} is given twice (header names ignore case).`);
    seen.add(lower);
    if (typeof value !== 'string') throw fail(`The value of ${name} must be a string.`);
    const previous = storedByName.get(lower);
    if (previous !== undefined && isSecretHeader(name, previous) && value === maskValue(previous)) {
      out[name] = previous;
      continue;
    }
    if (value.length > MAX_VALUE_LENGTH || !VALUE.test(value)) {
      throw fail(`The value of ${name} must be printable ASCII, at most ${MAX_VALUE_LENGTH} characters.`);
    }
    out[name] = value;
  }
  return out;
}
