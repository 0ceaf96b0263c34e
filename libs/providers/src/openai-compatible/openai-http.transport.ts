import { StringDecoder } from 'node:string_decoder';
import { createParser } from 'eventsource-parser';
import { Pool, type Dispatcher, type buildConnector } from 'undici';
import { copyFields } from '@switchyard/core';
import { ProviderError, type CallOptions, type ProviderCredentials } from '../provider.port.js';
import type { AbortSource } from '@switchyard/core';
import { CallScope } from '../shared/call-scope.js';
import { ClientCache } from '../shared/client-cache.js';
import { transportError } from '../shared/transport-error.js';
import { openAIErrorMessage, openAIHttpError } from './openai.errors.js';

/** The OpenAI endpoints this transport serves (the rest stay on the SDK). */
export type OpenAIRoute = 'chat' | 'completions' | 'embeddings' | 'responses';

/** One credentials' upstream, worked out once: its origin's pool, the request paths, the fixed headers. */
export interface OpenAIEndpoint {
  readonly pool: Pool;
  readonly paths: Readonly<Record<OpenAIRoute, string>>;
  /** Sent as they are when the call adds no header of its own (undici never modifies them). */
  readonly headers: Readonly<Record<string, string>>;
}

/** Credentials whose base URL this transport leaves to the SDK (Azure deployments, odd URLs). */
const VIA_SDK = Object.freeze({ viaSdk: true as const });
type EndpointEntry = OpenAIEndpoint | typeof VIA_SDK;

type ResponseBody = Dispatcher.ResponseData['body'];

const USER_AGENT = 'switchyard';
/** How much of a stream's tail, after `[DONE]`, is read to keep the connection (else it is closed). */
const DRAIN_LIMIT_BYTES = 64 * 1024;

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

/** Reads a non-2xx answer and classifies it exactly as the SDK path does. */
async function responseError(
  response: Dispatcher.ResponseData,
  provider: string,
  secrets: readonly string[],
): Promise<ProviderError> {
  let text: string;
  try {
    text = await response.body.text();
  } catch (error) {
    text = error instanceof Error ? error.message : String(error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const error = typeof json === 'object' && json !== null ? (json as { error?: unknown }).error : undefined;
  const status = response.statusCode;
  const message = openAIErrorMessage(status, error, json ? undefined : text);
  return openAIHttpError({ status, headers: response.headers, error, message }, provider, secrets);
}

/** An interruption (caller abort, deadline) wins over whatever the transport reported. */
function classify(error: unknown, scope: CallScope, secrets: readonly string[]): ProviderError {
  const interrupted = scope.interruption();
  if (interrupted) return interrupted;
  if (error instanceof ProviderError) return error;
  return transportError(error, scope.provider, secrets);
}

/** Gives a response's connection back: reads a short tail when the answer is complete, else closes it. */
function release(body: ResponseBody, complete: boolean, bytesRead: number): void {
  if (body.readableEnded || body.destroyed) return;
  if (complete) body.dump({ limit: bytesRead + DRAIN_LIMIT_BYTES }).catch(ignore);
  // Destroying an unfinished body reports an abort error, which nobody is left to hear.
  else body.on('error', ignore).destroy();
}

function ignore(): void {}

/**
 * The OpenAI wire format over undici, for the hot endpoints (chat, completions, embeddings, responses): one
 * keep-alive pool per upstream origin, created on first use and reused by every key; URLs and fixed
 * headers computed once per credentials; bodies read as Node streams (no fetch, no WHATWG streams,
 * no Headers objects). Errors classify exactly as the SDK path's (see openai.errors.ts).
 */
export class OpenAIHttpTransport {
  private readonly pools = new Map<string, Pool>();
  private endpoints = new ClientCache<EndpointEntry>((creds) => this.createEndpoint(creds));

  /** `connect` opens every pooled connection (the outbound policy's connector). */
  constructor(
    private readonly defaultProvider: string,
    private readonly connect: buildConnector.connector,
  ) {}

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
    body: unknown,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<T> {
    const scope = new CallScope(opts, opts.provider ?? this.defaultProvider);
    let response: Dispatcher.ResponseData | undefined;
    try {
      response = await this.send(endpoint, route, body, opts, scope);
      if (!isOk(response.statusCode)) throw await responseError(response, scope.provider, [creds.apiKey]);
      return (await response.body.json()) as T;
    } catch (error) {
      if (response) release(response.body, false, 0);
      throw classify(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
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
    body: unknown,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncGenerator<T> {
    const scope = new CallScope(opts, opts.provider ?? this.defaultProvider);
    let response: Dispatcher.ResponseData | undefined;
    let complete = false;
    let bytesRead = 0;
    try {
      response = await this.send(endpoint, route, body, opts, scope);
      if (!isOk(response.statusCode)) throw await responseError(response, scope.provider, [creds.apiKey]);
      const events: string[] = [];
      const parser = createParser({ onEvent: (event) => void events.push(event.data) });
      const decoder = new StringDecoder('utf8');
      scope.arm();
      // Not destroyed on return: after [DONE] the rest of the body is drained so the socket is kept.
      for await (const bytes of response.body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        bytesRead += bytes.length;
        parser.feed(decoder.write(bytes));
        for (let i = 0; i < events.length; i++) {
          const data = events[i]!;
          if (data.startsWith('[DONE]')) {
            complete = true;
            return;
          }
          const chunk = JSON.parse(data) as { error?: unknown } | null;
          if (chunk?.error) {
            const message = openAIErrorMessage(undefined, chunk.error);
            throw openAIHttpError(
              { status: undefined, headers: response.headers, error: chunk.error, message },
              scope.provider,
              [creds.apiKey],
            );
          }
          scope.pause();
          yield chunk as T;
          scope.arm();
        }
        events.length = 0;
      }
      complete = true;
      const interrupted = scope.interruption();
      if (interrupted) throw interrupted;
    } catch (error) {
      throw classify(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
      if (response) release(response.body, complete, bytesRead);
    }
  }

  /** Closes every pool, waiting for the requests in flight; later calls open new ones. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.endpoints = new ClientCache<EndpointEntry>((creds) => this.createEndpoint(creds));
    await Promise.all(pools.map((pool) => pool.close()));
  }

  private send(
    endpoint: OpenAIEndpoint,
    route: OpenAIRoute,
    body: unknown,
    opts: CallOptions,
    signal: AbortSource,
  ): Promise<Dispatcher.ResponseData> {
    return endpoint.pool.request({
      method: 'POST',
      path: endpoint.paths[route],
      headers: requestHeaders(endpoint.headers, opts),
      body: JSON.stringify(body),
      // undici takes any EventTarget with `aborted` and `reason` (it checks for
      // addEventListener); the call's scope is one, without an AbortSignal (decision 0032).
      signal,
    });
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
    let pool = this.pools.get(url.origin);
    if (!pool) {
      pool = new Pool(url.origin, { connect: this.connect });
      this.pools.set(url.origin, pool);
    }
    const prefix = url.pathname.replace(/\/+$/, '');
    const path = (name: string): string => `${prefix}/${name}${url.search}`;
    return {
      pool,
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
