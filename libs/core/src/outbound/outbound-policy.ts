import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  Agent,
  buildConnector,
  DecoratorHandler,
  FormData as UndiciFormData,
  fetch as undiciFetch,
  type Dispatcher,
} from 'undici';
import { InvalidRequestError } from '../errors/index.js';
import { AddressRanges, ipLiteral, isPublicAddress, parseCidr } from './ip-ranges.js';

/**
 * A request body undici's fetch can send. Node's global FormData comes from the undici bundled
 * with Node, which this package's fetch does not recognise (it would send "[object FormData]"):
 * copy it into this undici's FormData.
 */
function portableBody<T>(body: T): T | UndiciFormData {
  if (!(body instanceof globalThis.FormData)) return body;
  const form = new UndiciFormData();
  for (const [name, value] of body.entries()) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, value.name);
  }
  return form;
}

/** The code of the error a refused connection fails with (undici puts it in `cause`). */
export const OUTBOUND_POLICY_CODE = 'EOUTBOUND_POLICY';

/** Why the policy refused a connection; the message never names the address it resolved to. */
export class OutboundPolicyError extends Error {
  readonly code = OUTBOUND_POLICY_CODE;
  constructor(reason: string) {
    super(`refused by the outbound policy: ${reason} (see OUTBOUND_ALLOWLIST)`);
    this.name = 'OutboundPolicyError';
  }
}

/** One entry of OUTBOUND_ALLOWLIST, parsed. */
export type AllowEntry =
  | { kind: 'origin'; origin: string }
  | { kind: 'host'; host: string }
  | { kind: 'suffix'; suffix: string }
  | { kind: 'cidr'; network: string; prefix: number; family: 'ipv4' | 'ipv6' };

/**
 * Parses an allow-list entry: an origin (`http://10.0.0.5:11434`), a host name (`llm.internal`)
 * or its subdomains (`*.corp.example`), or an address range (`10.0.0.0/8`, `fd00::/8`, one
 * address). Returns a reason string when the entry is none of those.
 */
export function parseAllowEntry(raw: string): AllowEntry | string {
  const text = raw.trim();
  if (/^https?:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      if (url.pathname !== '/' || url.search || url.username || url.password) {
        return `"${text}" must be an origin (scheme, host and port, no path)`;
      }
      return { kind: 'origin', origin: url.origin };
    } catch {
      return `"${text}" is not a valid origin`;
    }
  }
  const cidr = parseCidr(text);
  if (cidr) return { kind: 'cidr', ...cidr };
  if (text.includes('/')) return `"${text}" is not a valid address range`;
  const host = text.toLowerCase();
  if (host.startsWith('*.') && /^[a-z0-9.-]+$/.test(host.slice(2)))
    return { kind: 'suffix', suffix: host.slice(1) };
  if (/^[a-z0-9.-]+$/.test(host) && host !== '') return { kind: 'host', host };
  return `"${text}" is not an origin, a host name or an address range`;
}

/** What a URL is allowed to reach. */
type Verdict =
  /** An operator-configured upstream or an allow-listed origin/host: no address check. */
  | { kind: 'trusted' }
  /** Reachable if every address it resolves to passes `addressOk`. */
  | { kind: 'checked'; httpsRequired: boolean }
  | { kind: 'refused'; reason: string };

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** UPSTREAM_MAX_ANSWER_BYTES's default: above the largest legitimate answer (2,048 float embeddings of 3,072: ~134 MB). */
export const DEFAULT_MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** The code of the error an answer past `maxAnswerBytes` fails with (in a fetch error's causes). */
export const ANSWER_TOO_LARGE_CODE = 'UPSTREAM_ANSWER_TOO_LARGE';

/** An answer that passed UPSTREAM_MAX_ANSWER_BYTES: the exchange was aborted there. */
export class AnswerTooLargeError extends Error {
  readonly code = ANSWER_TOO_LARGE_CODE;
  constructor(readonly maxBytes: number) {
    super(
      `The upstream's answer is larger than UPSTREAM_MAX_ANSWER_BYTES (${maxBytes} bytes); it was not read further.`,
    );
  }
}

/** Aborts an exchange once its answer's body passes `maxBytes` (a stream counts whole). */
function answerCap(maxBytes: number): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => dispatch(options, new CappedAnswer(handler, maxBytes));
}

class CappedAnswer implements Dispatcher.DispatchHandler {
  /** The caller's handler in undici's current handler shape, whichever shape it was written in. */
  private readonly inner: Dispatcher.DispatchHandler;
  private bytes = 0;
  private cut = false;
  constructor(
    handler: Dispatcher.DispatchHandler,
    private readonly maxBytes: number,
  ) {
    this.inner = new DecoratorHandler(handler);
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void {
    this.inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // The parser may still hand over the rest of a buffer it had: nothing more goes through.
    if (this.cut) return;
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.cut = true;
      controller.abort(new AnswerTooLargeError(this.maxBytes));
      return;
    }
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    if (this.cut) return;
    this.inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.inner.onResponseError?.(controller, error);
  }
}

/** How much of an upstream's error answer is read: its message is shown cut to a few hundred characters. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The one outbound policy: every URL the gateway calls on a caller's behalf (provider and key
 * base URLs, fetched images and files, search results) must be https and resolve to public
 * addresses only, unless the operator trusts it. Trusted are the upstreams the operator
 * configured in the environment (their origins) and OUTBOUND_ALLOWLIST entries: origins and host
 * names skip the address check, address ranges admit those addresses (over http too).
 *
 * The check runs twice: {@link assertAllowed} when a URL is registered (400 naming the field), and
 * at connect time in the sockets' own DNS lookup ({@link connector}, {@link fetch}), so a name
 * that resolves, or later re-resolves, to a private address is refused, and so is every redirect.
 */
export class OutboundPolicy {
  private readonly trustedOrigins = new Set<string>();
  private readonly hosts = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly ranges = new AddressRanges();
  private agent?: Agent;
  private capped?: Dispatcher;
  /**
   * The most bytes of an upstream's answer the gateway reads: a whole buffered answer, or one
   * streamed event (UPSTREAM_MAX_ANSWER_BYTES). An upstream is not trusted to be small: a base
   * URL a tenant admin set, or a broken server, could otherwise fill the instance's memory.
   */
  readonly maxAnswerBytes: number;

  constructor(allowlist: readonly string[] = [], options: { maxAnswerBytes?: number } = {}) {
    this.maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    for (const raw of allowlist) {
      if (raw.trim() === '') continue;
      const entry = parseAllowEntry(raw);
      if (typeof entry === 'string') throw new Error(`OUTBOUND_ALLOWLIST: ${entry}`);
      this.allow(entry);
    }
  }

  /** Trusts an operator-configured base URL's origin (environment settings, the simulator). */
  trust(baseUrl: string): void {
    try {
      const url = new URL(baseUrl);
      if (url.protocol === 'http:' || url.protocol === 'https:') this.trustedOrigins.add(url.origin);
    } catch {
      // Not a URL: nothing to trust; the call itself will fail.
    }
  }

  /**
   * The static verdict on a URL (scheme, credentials, literal addresses, trust); names are left
   * to {@link assertAllowed} and the connect-time lookup. Undefined when it may be called.
   */
  problem(raw: string): string | undefined {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'not a valid URL';
    }
    if (url.username || url.password) return 'a URL must not carry credentials';
    const verdict = this.verdict(url.protocol, url.hostname, url.port);
    return verdict.kind === 'refused' ? verdict.reason : undefined;
  }

  /**
   * Checks a URL a caller registers (a key's or provider's base URL): the static rules, then the
   * addresses its name resolves to now. Throws a 400 naming `param`; the reason never echoes an
   * address the name resolved to.
   */
  async assertAllowed(raw: string, param: string): Promise<void> {
    const fail = (reason: string) =>
      new InvalidRequestError(`The URL is refused by the outbound policy: ${reason}.`, {
        param,
        code: 'outbound_policy',
      });
    const problem = this.problem(raw);
    if (problem) throw fail(problem);
    const url = new URL(raw);
    const verdict = this.verdict(url.protocol, url.hostname, url.port);
    if (verdict.kind !== 'checked' || ipLiteral(url.hostname)) return;
    const addresses = await resolveAll(url.hostname, 2_000);
    // A name that does not resolve now may later: the connect-time check still applies then.
    if (addresses === undefined) {
      if (verdict.httpsRequired) return;
      throw fail('a plain-http URL must resolve to an allow-listed address range');
    }
    const reason = this.addressProblem(addresses, verdict.httpsRequired);
    if (reason) throw fail(reason);
  }

  /**
   * An undici connector that applies the policy to every connection it opens (pass it as a
   * Pool's or Agent's `connect`). Trusted origins connect as usual; the rest resolve through a
   * lookup that refuses any address the policy does not admit.
   */
  connector(options: buildConnector.BuildOptions = {}): buildConnector.connector {
    const plain = buildConnector(options);
    const checked = {
      https: buildConnector({ ...options, lookup: this.checkedLookup(true) }),
      http: buildConnector({ ...options, lookup: this.checkedLookup(false) }),
    };
    return (opts, callback) => {
      const verdict = this.verdict(opts.protocol, opts.hostname, opts.port);
      if (verdict.kind === 'trusted') return plain(opts, callback);
      if (verdict.kind === 'refused') {
        process.nextTick(callback, new OutboundPolicyError(verdict.reason), null);
        return;
      }
      const literal = ipLiteral(opts.hostname);
      if (literal) {
        const reason = this.addressProblem([literal], verdict.httpsRequired);
        if (reason) {
          process.nextTick(callback, new OutboundPolicyError(reason), null);
          return;
        }
      }
      return (verdict.httpsRequired ? checked.https : checked.http)(opts, callback);
    };
  }

  /**
   * A dispatcher (keep-alive connections per origin) whose every connection obeys the policy,
   * and which reads no answer past {@link maxAnswerBytes} (the SDKs' reads, search, discovery).
   */
  get dispatcher(): Dispatcher {
    if (!this.agent) {
      this.agent = new Agent({ connect: this.connector() });
      this.capped = this.agent.compose(answerCap(this.maxAnswerBytes));
    }
    return this.capped!;
  }

  /**
   * `fetch` through {@link dispatcher}, for SDKs that take a fetch function. Redirects are
   * followed only as far as the policy admits each hop.
   */
  readonly fetch = Object.assign(
    (input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
      undiciFetch(input, { ...init, body: portableBody(init?.body), dispatcher: this.dispatcher }),
    // SDKs probe whether a fetch can send the global FormData (openai's uploads: transcriptions)
    // with `fetch.Response`; this one can, through portableBody.
    { Response: globalThis.Response },
  ) as unknown as typeof globalThis.fetch;

  /** Closes the pooled connections of {@link dispatcher}. */
  async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    this.capped = undefined;
    await agent?.close();
  }

  private allow(entry: AllowEntry): void {
    switch (entry.kind) {
      case 'origin':
        this.trustedOrigins.add(entry.origin);
        return;
      case 'host':
        this.hosts.add(entry.host);
        return;
      case 'suffix':
        this.suffixes.push(entry.suffix);
        return;
      case 'cidr':
        this.ranges.add(entry);
        return;
    }
  }

  private verdict(protocol: string, hostname: string, port: string | number | undefined): Verdict {
    if (protocol !== 'http:' && protocol !== 'https:')
      return { kind: 'refused', reason: 'only http(s) URLs' };
    const bare = hostname.toLowerCase().replace(/^\[|\]$/g, '');
    const host = isIP(bare) === 6 ? `[${bare}]` : bare;
    const portText = port === undefined || port === '' ? DEFAULT_PORTS[protocol]! : String(port);
    const origin = `${protocol}//${host}${portText === DEFAULT_PORTS[protocol] ? '' : `:${portText}`}`;
    if (this.trustedOrigins.has(origin)) return { kind: 'trusted' };
    if (this.hosts.has(bare) || this.suffixes.some((s) => bare.endsWith(s))) return { kind: 'trusted' };
    const httpsRequired = protocol === 'https:';
    if (!httpsRequired && this.ranges.empty) return { kind: 'refused', reason: 'only https URLs' };
    const literal = ipLiteral(host);
    if (literal) {
      const reason = this.addressProblem([literal], httpsRequired);
      if (reason) return { kind: 'refused', reason };
    }
    return { kind: 'checked', httpsRequired };
  }

  /** Why these addresses may not be reached (public ones only over https), or undefined. */
  private addressProblem(addresses: readonly string[], https: boolean): string | undefined {
    for (const address of addresses) {
      if (this.ranges.has(address)) continue;
      if (!https) return 'a plain-http URL must resolve to an allow-listed address range';
      if (!isPublicAddress(address)) return 'the address is not public';
    }
    return undefined;
  }

  private checkedLookup(https: boolean) {
    return (hostname: string, opts: { all?: boolean }, callback: LookupCallback): void => {
      dnsLookup(hostname, { ...opts, all: true }, (err, addresses: LookupAddress[]) => {
        if (err) return callback(err, []);
        const reason =
          addresses.length === 0
            ? 'the name has no address'
            : this.addressProblem(
                addresses.map((a) => a.address),
                https,
              );
        if (reason) return callback(new OutboundPolicyError(reason), []);
        if (opts.all) return callback(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    };
  }
}

/** Every address a name resolves to, or undefined when it does not resolve within `timeoutMs`. */
function resolveAll(hostname: string, timeoutMs: number): Promise<string[] | undefined> {
  if (isIP(hostname)) return Promise.resolve([hostname]);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      clearTimeout(timer);
      resolve(err ? undefined : addresses.map((a) => a.address));
    });
  });
}
