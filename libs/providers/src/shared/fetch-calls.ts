import type { OutboundPolicy } from '@switchyard/core';
import type { CallOptions, ProviderCredentials, ProviderError } from '../provider.port.js';
import { CallScope } from './call-scope.js';

/** What a REST dialect called over plain fetch (Cohere, Gemini) tells {@link FetchCalls} of itself. */
export interface FetchApi {
  /** The URL of an API path, under the credentials' base URL. */
  url(baseUrl: string, path: string): string;
  /**
   * The adapter's own headers of a request (auth, and for a JSON body its content type), between
   * the call's headers and the provider's default headers, which replace them.
   */
  headers(creds: ProviderCredentials, json: boolean): Record<string, string>;
  /** The ProviderError of a non-2xx answer. */
  responseError(response: Response, provider: string, secrets: readonly string[]): Promise<ProviderError>;
  /** What anything else a call throws becomes: the caller's abort, our deadline, a transport failure. */
  classify(error: unknown, scope: CallScope, secrets: readonly string[]): ProviderError;
}

/** One upstream call in progress: its scope and requests made within it. */
export interface FetchCall {
  readonly scope: CallScope;
  /** The provider the call is for (the catalog id, or the wire format). */
  readonly provider: string;
  /** What must never appear in an error message (the key). */
  readonly secrets: readonly string[];
  /** A GET of `path`, or a POST of `body` as JSON; a non-2xx answer throws its ProviderError. */
  send(path: string, body?: unknown): Promise<Response>;
  /** A POST of `body` as JSON, its answer parsed; a malformed one surfaces as SyntaxError (`network`). */
  json<T>(path: string, body: unknown): Promise<T>;
  /**
   * The chunks each upstream frame maps to, the deadline restarted before each wait for a frame
   * and stopped while the consumer holds a chunk (its pace is not the upstream's).
   */
  relay<F, C>(frames: AsyncIterable<F>, map: (frame: F) => Iterable<C>): AsyncGenerator<C>;
}

/**
 * The scaffolding every call of a fetch-based adapter shares: a {@link CallScope} (deadline and
 * the caller's abort) that is disposed however the call ends, requests through the outbound
 * policy with the key and the provider's headers, and every failure classified as the dialect's
 * ProviderError.
 */
export class FetchCalls {
  constructor(
    private readonly outbound: OutboundPolicy,
    private readonly format: string,
    private readonly api: FetchApi,
  ) {}

  /** Runs one call to its answer. */
  async run<T>(
    creds: ProviderCredentials,
    opts: CallOptions,
    call: (c: FetchCall) => Promise<T>,
  ): Promise<T> {
    const c = this.open(creds, opts);
    try {
      return await call(c);
    } catch (error) {
      throw this.api.classify(error, c.scope, c.secrets);
    } finally {
      c.scope.dispose();
    }
  }

  /** Runs one streamed call; nothing is sent until the first chunk is asked for. */
  async *stream<T>(
    creds: ProviderCredentials,
    opts: CallOptions,
    call: (c: FetchCall) => AsyncIterable<T>,
  ): AsyncGenerator<T> {
    const c = this.open(creds, opts);
    try {
      yield* call(c);
    } catch (error) {
      throw this.api.classify(error, c.scope, c.secrets);
    } finally {
      c.scope.dispose();
    }
  }

  private open(creds: ProviderCredentials, opts: CallOptions): FetchCall {
    const { outbound, api } = this;
    const scope = new CallScope(opts, opts.provider ?? this.format);
    const provider = scope.provider;
    const secrets = [creds.apiKey];
    const send = async (path: string, body?: unknown): Promise<Response> => {
      const json = body !== undefined;
      const response = await outbound.fetch(api.url(creds.baseUrl, path), {
        ...(json ? { method: 'POST', body: JSON.stringify(body) } : {}),
        headers: { ...opts.headers, ...api.headers(creds, json), ...creds.headers },
        signal: scope.signal,
      });
      if (!response.ok) throw await api.responseError(response, provider, secrets);
      return response;
    };
    return {
      scope,
      provider,
      secrets,
      send,
      json: async <T>(path: string, body: unknown) => JSON.parse(await (await send(path, body)).text()) as T,
      async *relay<F, C>(frames: AsyncIterable<F>, map: (frame: F) => Iterable<C>): AsyncGenerator<C> {
        scope.arm();
        for await (const frame of frames) {
          for (const chunk of map(frame)) {
            scope.pause();
            yield chunk;
            scope.arm();
          }
        }
      },
    };
  }
}
