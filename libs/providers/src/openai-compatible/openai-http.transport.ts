import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher, type buildConnector } from 'undici';
import { copyFields, DEFAULT_MAX_ANSWER_BYTES, MAX_ERROR_BODY_BYTES, serializeJson } from '@switchyard/core';
import { ProviderError, type CallOptions, type ProviderCredentials } from '../provider.port.js';
import type { AbortSource } from '@switchyard/core';
import { answerTooLarge } from '../shared/capped-read.js';
import { CallScope } from '../shared/call-scope.js';
import { ClientCache } from '../shared/client-cache.js';
import { transportError } from '../shared/transport-error.js';
import { openAIErrorMessage, openAIHttpError } from './openai.errors.js';
import { ScopedExchange } from './scoped-exchange.js';
import { SseExchange } from './sse-exchange.js';

/** The OpenAI endpoints this transport serves (the rest stay on the SDK). */
export type OpenAIRoute = 'chat' | 'completions' | 'embeddings' | 'responses';

/** One credentials' upstream, worked out once: its origin (whose pool serves it), the request paths, the fixed headers. */
export interface OpenAIEndpoint {
  readonly origin: string;
  readonly paths: Readonly<Record<OpenAIRoute, string>>;
  /** Sent as they are when the call adds no header of its own (undici never modifies them). */
  readonly headers: Readonly<Record<string, string>>;
}

/** Credentials whose base URL this transport leaves to the SDK (Azure deployments, odd URLs). */
const VIA_SDK = Object.freeze({ viaSdk: true as const });
/** An origin's pool, and whether a call started or ended on it since the last sweep. */
interface PoolEntry {
  readonly pool: Pool;
  used: boolean;
}
type EndpointEntry = OpenAIEndpoint | typeof VIA_SDK;

const USER_AGENT = 'switchyard';
/** How often unused pools are closed: one unused for a whole period goes (see the constructor). */
const POOL_IDLE_MS = 60_000;

function isOk(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The caller's headers (names lower-cased, so they replace ours) and request id over the fixed headers. */
function requestHeaders(fixed: Readonly<Record<string, string>>, opts: CallOptions): Record<string, string> {
  if (opts.headers === undefined && !opts.requestId) return fixed;
  // Not a spread: adding to a spread's copy makes a fresh hidden class per call on Node 20 (decision 0032).
  const headers = copyFields(fixed) as Record<string, string>;
  const extra = opts.headers;
  if (extra) for (const name of Object.keys(extra)) headers[name.toLowerCase()] = extra[name]!;
  if (opts.requestId) headers['x-client-request-id'] = opts.requestId;
  return headers;
}

/** A runtime provider's default headers over ours (names lower-cased, so they replace ours). */
function withDefaults(
  own: Record<string, string>,
  defaults: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  if (defaults) for (const name of Object.keys(defaults)) own[name.toLowerCase()] = defaults[name]!;
  return own;
}

/** A non-2xx answer's status, headers and body text as the error the SDK path would throw. */
function errorFromText(
  status: number,
  headers: IncomingHttpHeaders,
  text: string,
  provider: string,
  secrets: readonly string[],
): ProviderError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const error = typeof json === 'object' && json !== null ? (json as { error?: unknown }).error : undefined;
  const message = openAIErrorMessage(status, error, json ? undefined : text);
  return openAIHttpError({ status, headers, error, message }, provider, secrets);
}

/** An interruption (caller abort, deadline) wins over whatever the transport reported. */
function classify(error: unknown, scope: CallScope, secrets: readonly string[]): ProviderError {
  const interrupted = scope.interruption();
  if (interrupted) return interrupted;
  if (error instanceof ProviderError) return error;
  return transportError(error, scope.provider, secrets);
}

/** A whole answer, read into memory: what a non-stream call gets back. */
interface BufferedAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8 text, without a byte-order mark (as undici's `body.text()` gives it). */
  readonly text: string;
}

/**
 * undici's handler for one non-stream call: collects the answer's bytes and settles once, at
 * its end or on the first error. Dispatching this instead of `pool.request()` skips what a
 * buffered answer does not need (issue 20): the Readable body stream, its consume promises, and
 * the `AsyncResource` that `request()` makes per call (with a request context active, every
 * async resource runs the context's hooks). The call's scope aborts it like `request()`'s
 * `signal` would: on the caller's abort or the deadline, the exchange is aborted with the
 * scope's reason, and `classify` then reports the interruption.
 */
class BufferedExchange extends ScopedExchange {
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** An error answer past MAX_ERROR_BODY_BYTES, aborted after what it had: that is its text. */
  private cut = false;
  private done = false;

  constructor(
    scope: AbortSource,
    private readonly resolve: (answer: BufferedAnswer) => void,
    private readonly reject: (error: unknown) => void,
    private readonly provider: string,
    private readonly maxBytes: number,
  ) {
    super(scope);
    this.listen();
  }

  protected failQueued(reason: Error): void {
    if (!this.finish()) this.reject(reason);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.status >= 300) {
      if (this.cut) return;
      this.chunks.push(chunk);
      if (this.bytes >= MAX_ERROR_BODY_BYTES) {
        this.cut = true;
        controller.abort(new Error('error answer read far enough'));
      }
      return;
    }
    if (this.bytes > this.maxBytes) {
      this.chunks = [];
      if (!this.finish()) this.reject(answerTooLarge('answer', this.maxBytes, this.provider, this.status));
      controller.abort(new Error('answer too large'));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.settleWithText();
  }

  /** Resolves with the bytes collected, as text. */
  private settleWithText(): void {
    const chunks = this.chunks;
    this.chunks = [];
    let text: string;
    try {
      const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      // An error answer cut short is its first MAX_ERROR_BODY_BYTES, as `errorText` reads it.
      const bytes = this.cut ? whole.subarray(0, MAX_ERROR_BODY_BYTES) : whole;
      text = bytes.toString('utf8');
    } catch (error) {
      // A body no string can hold (ERR_STRING_TOO_LONG): fails the call, as body.json() would.
      if (!this.finish()) this.reject(error);
      return;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!this.finish()) this.resolve({ status: this.status, headers: this.headers, text });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.done) return;
    if (this.cut) {
      this.settleWithText();
      return;
    }
    if (this.finish()) return;
    this.chunks = [];
    // An error answer whose body broke off is still that error (its status decides: a 429 is a
    // rate limit, a 401 a bad key), with what went wrong as its text, as `responseError` does.
    if (this.status >= 300 && !this.scope.aborted) {
      this.resolve({ status: this.status, headers: this.headers, text: error.message });
    } else this.reject(error);
  }

  /** True when the scope had already aborted the exchange before it was dispatched. */
  get settled(): boolean {
    return this.done;
  }

  /** True when the exchange had already settled; else marks it settled and stops listening. */
  private finish(): boolean {
    if (this.done) return true;
    this.done = true;
    this.scope.removeEventListener('abort', this.onAbort);
    return false;
  }
}

/**
 * The OpenAI wire format over undici, for the hot endpoints (chat, completions, embeddings,
 * responses): one keep-alive pool per upstream origin, created on first use and reused by every
 * key; URLs and fixed headers computed once per credentials; a whole answer collected by a
 * dispatch handler, a stream parsed by another as its bytes arrive (sse-exchange.ts; no fetch, no
 * Node or WHATWG streams, no Headers objects). Errors classify exactly as the SDK path's (see
 * openai.errors.ts).
 */
export class OpenAIHttpTransport {
  /** The pools by origin; `used` says a call started or ended on it since the last sweep. */
  private readonly pools = new Map<string, PoolEntry>();
  private endpoints = new ClientCache<EndpointEntry>((creds) => this.createEndpoint(creds));
  /** Runs while there are pools. */
  private sweeper?: NodeJS.Timeout;

  /** `connect` opens every pooled connection (the outbound policy's connector). */
  constructor(
    private readonly defaultProvider: string,
    private readonly connect: buildConnector.connector,
    /** UPSTREAM_MAX_ANSWER_BYTES: a whole answer, or one streamed event. */
    private readonly maxAnswerBytes: number = DEFAULT_MAX_ANSWER_BYTES,
    /**
     * A pool on which no call has started, run or ended for between one and two of these is
     * closed and forgotten; the next call to its origin opens a new one. Origins
     * come from providers' base URLs, which admins change: without this every origin ever called
     * kept its pool for the life of the process.
     */
    private readonly poolIdleMs = POOL_IDLE_MS,
  ) {}

  /** How many origins have a pool now (for tests and diagnostics). */
  get pooledOrigins(): number {
    return this.pools.size;
  }

  /** The endpoint for these credentials, or null when the SDK must make the call (Azure's deployment API). */
  endpoint(creds: ProviderCredentials): OpenAIEndpoint | null {
    let entry: EndpointEntry;
    try {
      entry = this.endpoints.get(creds);
    } catch {
      return null; // credentials that are not even strings: the SDK path classifies the failure
    }
    return 'viaSdk' in entry ? null : entry;
  }

  /** One non-stream JSON call; the deadline covers the whole call, body included. */
  async json<T>(
    endpoint: OpenAIEndpoint,
    route: OpenAIRoute,
    body: object,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<T> {
    const scope = new CallScope(opts, opts.provider ?? this.defaultProvider);
    let pooled: PoolEntry | undefined;
    try {
      const answer = await new Promise<BufferedAnswer>((resolve, reject) => {
        const exchange = new BufferedExchange(scope, resolve, reject, scope.provider, this.maxAnswerBytes);
        if (exchange.settled) return; // aborted already: nothing is sent
        pooled = this.dispatch(endpoint, route, body, opts, exchange);
      });
      if (!isOk(answer.status)) {
        throw errorFromText(answer.status, answer.headers, answer.text, scope.provider, [creds.apiKey]);
      }
      return JSON.parse(answer.text) as T;
    } catch (error) {
      throw classify(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
      // The call ended: its pool counts as used until the next sweep.
      if (pooled) pooled.used = true;
    }
  }

  /**
   * One streamed call: each server-sent event's JSON is yielded as soon as it is parsed; `[DONE]`
   * ends the stream; an `error` object in a frame throws. The deadline applies to the headers and
   * then to each next event, and is paused while the consumer holds a chunk. Leaving the loop early
   * closes the upstream connection.
   */
  async *stream<T>(
    endpoint: OpenAIEndpoint,
    route: OpenAIRoute,
    body: object,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncGenerator<T> {
    const scope = new CallScope(opts, opts.provider ?? this.defaultProvider);
    const exchange = new SseExchange(scope, scope.provider, this.maxAnswerBytes);
    let complete = false;
    let pooled: PoolEntry | undefined;
    try {
      // Aborted already: nothing is sent.
      if (!exchange.settled) pooled = this.dispatch(endpoint, route, body, opts, exchange);
      await exchange.response();
      if (!isOk(exchange.status)) {
        throw errorFromText(exchange.status, exchange.headers, exchange.errorText(), scope.provider, [
          creds.apiKey,
        ]);
      }
      scope.arm();
      for (;;) {
        const data = exchange.next();
        if (data === undefined) {
          if (await exchange.more()) continue;
          break;
        }
        if (data.startsWith('[DONE]')) {
          complete = true;
          return;
        }
        const chunk = JSON.parse(data) as { error?: unknown } | null;
        if (chunk?.error) {
          const message = openAIErrorMessage(undefined, chunk.error);
          throw openAIHttpError(
            { status: undefined, headers: exchange.headers, error: chunk.error, message },
            scope.provider,
            [creds.apiKey],
          );
        }
        scope.pause();
        yield chunk as T;
        scope.arm();
      }
      complete = true;
      const interrupted = scope.interruption();
      if (interrupted) throw interrupted;
    } catch (error) {
      throw classify(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
      // Not closed once complete: after [DONE] the rest of the body is drained so the socket is kept.
      exchange.release(complete);
      if (pooled) pooled.used = true;
    }
  }

  /** Closes every pool, waiting for the requests in flight; later calls open new ones. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.endpoints = new ClientCache<EndpointEntry>((creds) => this.createEndpoint(creds));
    await Promise.all(pools.map((entry) => entry.pool.close()));
  }

  /** The origin's pool, opened on first use (or again after a sweep closed it); marked as used. */
  private pooled(origin: string): PoolEntry {
    let entry = this.pools.get(origin);
    if (!entry) {
      // The call's deadline (CallScope) is the only one (decision 0038): undici's own header and
      // body timeouts (300 s each) would cap a longer <PROVIDER>_TIMEOUT_MS and cost a timer
      // armed twice per request.
      entry = {
        pool: new Pool(origin, { connect: this.connect, headersTimeout: 0, bodyTimeout: 0 }),
        used: true,
      };
      this.pools.set(origin, entry);
      if (!this.sweeper) {
        this.sweeper = setInterval(() => this.sweep(), this.poolIdleMs);
        this.sweeper.unref();
      }
    }
    entry.used = true;
    return entry;
  }

  /** Closes the pools on which no call started, ran or ended since the last sweep. */
  private sweep(): void {
    for (const [origin, entry] of this.pools) {
      if (entry.used) {
        entry.used = false;
        continue;
      }
      // A long stream keeps its pool (and its connection) for the calls after it.
      if (entry.pool.stats.size > 0) continue; // queued, pending and running requests
      this.pools.delete(origin);
      void entry.pool.close().catch(() => undefined);
    }
    if (this.pools.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Sends one call's request on its origin's pool (opened on first use), answered to `handler`. */
  private dispatch(
    endpoint: OpenAIEndpoint,
    route: OpenAIRoute,
    body: object,
    opts: CallOptions,
    handler: Dispatcher.DispatchHandler,
  ): PoolEntry {
    const pooled = this.pooled(endpoint.origin);
    pooled.pool.dispatch(
      {
        method: 'POST',
        path: endpoint.paths[route],
        headers: requestHeaders(endpoint.headers, opts),
        body: serializeJson(body),
      },
      handler,
    );
    return pooled;
  }

  private createEndpoint(creds: ProviderCredentials): EndpointEntry {
    let url: URL;
    try {
      url = new URL(creds.baseUrl);
    } catch {
      return VIA_SDK; // the SDK path reports the bad URL as it always has
    }
    // Azure's deployment-style API (see openai-client.factory.ts), and URLs fetch would refuse.
    if (url.searchParams.get('api-version') || url.username || url.password) return VIA_SDK;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return VIA_SDK;
    const prefix = url.pathname.replace(/\/+$/, '');
    const path = (name: string): string => `${prefix}/${name}${url.search}`;
    return {
      origin: url.origin,
      paths: {
        chat: path('chat/completions'),
        completions: path('completions'),
        embeddings: path('embeddings'),
        responses: path('responses'),
      },
      headers: withDefaults(
        {
          authorization: `Bearer ${creds.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'accept-encoding': 'identity',
          'user-agent': USER_AGENT,
        },
        creds.headers,
      ),
    };
  }
}
