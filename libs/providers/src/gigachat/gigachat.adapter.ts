import { Injectable } from '@nestjs/common';
import { OutboundPolicy } from '@switchyard/core';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { CallOptions, ProviderAdapter, ProviderCredentials } from '../provider.port.js';
import { CallScope } from '../shared/call-scope.js';
import { cappedText } from '../shared/capped-read.js';
import { readSseFrames } from '../shared/sse-data.reader.js';
import { classifyGigaChatError, gigachatResponseError } from './gigachat.errors.js';
import { toGigaChatRequest } from './gigachat.request.js';
import { GigaChatStreamMapper, toChatCompletion } from './gigachat.response.js';
import { GigaChatTokens, gigachatTokenUrl } from './gigachat.tokens.js';
import type { GigaChatRequest, GigaChatResponse } from './gigachat.types.js';

/** The versioned API root: the base URL as given when it ends in `/api/v<n>`, else + `/api/v1`. */
export function gigachatApiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return /\/api\/v\d+$/.test(trimmed) ? trimmed : `${trimmed}/api/v1`;
}

/**
 * GigaChat (Sber) over its OpenAI-like REST API. The configured key is GigaChat's authorization
 * key: it is exchanged for an access token (OAuth, `Basic` auth key, scope GIGACHAT_API_PERS),
 * which is cached until shortly before it expires and exchanged again once when the API answers
 * 401. Both the token endpoint and the API go through the outbound policy.
 */
@Injectable()
export class GigaChatAdapter implements ProviderAdapter {
  readonly format = 'gigachat' as const;
  private readonly tokens: GigaChatTokens;

  /**
   * `env` holds `<ID>_AUTH_BASE_URL` overrides of the token endpoint (per catalog provider, named
   * after its `<ID>_BASE_URL`).
   */
  constructor(
    private readonly outbound: OutboundPolicy,
    private readonly catalog?: CatalogService,
    private readonly env: Readonly<Record<string, string | undefined>> = {},
    now?: () => number,
  ) {
    this.tokens = new GigaChatTokens(outbound, now);
  }

  /** The token URL for a provider's calls (see {@link gigachatTokenUrl}). */
  tokenUrlFor(provider: string, baseUrl: string): string {
    const variable = this.catalog?.provider(provider)?.env.baseUrl.replace(/_BASE_URL$/, '_AUTH_BASE_URL');
    const override = variable ? this.env[variable]?.trim() : undefined;
    return gigachatTokenUrl(baseUrl, override || undefined);
  }

  async chat(
    body: ChatCompletionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ChatCompletion> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    const secrets = [creds.apiKey];
    try {
      const request = toGigaChatRequest(body, scope.provider);
      const response = await this.send(scope, creds, opts, request, secrets);
      return toChatCompletion(
        JSON.parse(await response.text()) as GigaChatResponse,
        body.model,
        scope.provider,
      );
    } catch (error) {
      throw classifyGigaChatError(error, scope, secrets);
    } finally {
      scope.dispose();
    }
  }

  async *chatStream(
    body: ChatCompletionCreateParamsStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncGenerator<ChatCompletionChunk> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    const secrets = [creds.apiKey];
    try {
      const request = toGigaChatRequest(body, scope.provider);
      const response = await this.send(scope, creds, opts, request, secrets);
      if (!response.body) throw new SyntaxError('stream response without a body');
      const mapper = new GigaChatStreamMapper(
        body.model,
        scope.provider,
        body.stream_options?.include_usage === true,
      );
      let done = false;
      scope.arm();
      for await (const data of readSseFrames(response.body)) {
        if (data.trim() === '[DONE]') {
          done = true;
          break;
        }
        for (const chunk of mapper.map(JSON.parse(data) as GigaChatResponse)) {
          scope.pause();
          yield chunk;
          scope.arm();
        }
      }
      if (!done) throw new SyntaxError('the stream ended without [DONE]');
      for (const chunk of mapper.finish()) yield chunk;
    } catch (error) {
      throw classifyGigaChatError(error, scope, secrets);
    } finally {
      scope.dispose();
    }
  }

  async ping(creds: ProviderCredentials, opts: CallOptions): Promise<void> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    const secrets = [creds.apiKey];
    try {
      const response = await this.send(scope, creds, opts, null, secrets);
      await cappedText(response);
    } catch (error) {
      throw classifyGigaChatError(error, scope, secrets);
    } finally {
      scope.dispose();
    }
  }

  /**
   * One API call with a cached or fresh access token: a chat completion, or (request null) the
   * model list. A 401 drops the token and the call is made once more with a new one.
   */
  private async send(
    scope: CallScope,
    creds: ProviderCredentials,
    opts: CallOptions,
    request: GigaChatRequest | null,
    secrets: string[],
  ): Promise<Response> {
    const tokenUrl = this.tokenUrlFor(scope.provider, creds.baseUrl);
    const url = `${gigachatApiRoot(creds.baseUrl)}/${request ? 'chat/completions' : 'models'}`;
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token(tokenUrl, creds.apiKey, scope);
      secrets.push(token);
      const response = await this.outbound.fetch(url, {
        method: request ? 'POST' : 'GET',
        headers: {
          ...opts.headers,
          ...(request ? { 'content-type': 'application/json' } : {}),
          accept: request?.stream ? 'text/event-stream' : 'application/json',
          authorization: `Bearer ${token}`,
          ...(opts.requestId ? { 'x-request-id': opts.requestId } : {}),
          ...creds.headers,
        },
        ...(request ? { body: JSON.stringify(request) } : {}),
        signal: scope.signal,
      });
      if (response.status === 401 && attempt === 0) {
        await cappedText(response).catch(() => undefined);
        this.tokens.invalidate(tokenUrl, creds.apiKey, scope.provider, token);
        continue;
      }
      if (!response.ok) throw await gigachatResponseError(response, scope.provider, secrets);
      return response;
    }
  }
}
