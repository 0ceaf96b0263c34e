import Anthropic from '@anthropic-ai/sdk';
import { Injectable } from '@nestjs/common';
import { OutboundPolicy } from '@switchyard/core';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { CatalogService } from '../catalog/catalog.service.js';
import type { CallOptions, ProviderAdapter, ProviderCredentials } from '../provider.port.js';
import { CallScope } from '../shared/call-scope.js';
import { ClientCache } from '../shared/client-cache.js';
import { classifyAnthropicError } from './anthropic.errors.js';
import { toAnthropicRequest, type AnthropicRequest } from './anthropic.request.js';
import { AnthropicStreamMapper, toChatCompletion } from './anthropic.response.js';

/** max_tokens when neither the request nor the catalog says (Anthropic requires one). */
const FALLBACK_MAX_TOKENS = 4096;

function createClient(creds: ProviderCredentials, fetch: typeof globalThis.fetch): Anthropic {
  // Every option the SDK would read from process.env is given explicitly.
  return new Anthropic({
    apiKey: creds.apiKey,
    baseURL: creds.baseUrl,
    maxRetries: 0,
    fetch,
    webhookKey: null,
    logLevel: 'off',
    // A runtime provider's default headers (they replace the SDK's own of the same name).
    ...(creds.headers ? { defaultHeaders: { ...creds.headers } } : {}),
  });
}

/** Anthropic's Messages API through the official SDK, translated to and from OpenAI's chat shapes. */
@Injectable()
export class AnthropicAdapter implements ProviderAdapter {
  readonly format = 'anthropic' as const;
  private readonly clients: ClientCache<Anthropic>;

  constructor(
    private readonly catalog: CatalogService,
    outbound: OutboundPolicy,
  ) {
    this.clients = new ClientCache((creds) => createClient(creds, outbound.fetch));
  }

  async chat(
    body: ChatCompletionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ChatCompletion> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    try {
      const request = this.request(body, scope.provider, opts);
      const message = await this.clients
        .get(creds)
        .messages.create({ ...request, stream: false }, this.requestOptions(scope, opts));
      return toChatCompletion(message);
    } catch (error) {
      throw classifyAnthropicError(error, scope, [creds.apiKey]);
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
    try {
      const request = this.request(body, scope.provider, opts);
      const stream = await this.clients
        .get(creds)
        .messages.create({ ...request, stream: true }, this.requestOptions(scope, opts));
      const mapper = new AnthropicStreamMapper(body.stream_options?.include_usage === true);
      scope.arm();
      for await (const event of stream) {
        for (const chunk of mapper.map(event)) {
          scope.pause();
          yield chunk;
          scope.arm();
        }
      }
      // The SDK ends a stream quietly when its signal aborts, so an early end may be ours.
      const interrupted = scope.interruption();
      if (interrupted) throw interrupted;
    } catch (error) {
      throw classifyAnthropicError(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
    }
  }

  async ping(creds: ProviderCredentials, opts: CallOptions): Promise<void> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    try {
      await this.clients.get(creds).models.list({ limit: 1 }, this.requestOptions(scope, opts));
    } catch (error) {
      throw classifyAnthropicError(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
    }
  }

  private request(
    body: ChatCompletionCreateParamsNonStreaming | ChatCompletionCreateParamsStreaming,
    provider: string,
    opts: CallOptions,
  ): AnthropicRequest {
    const maxTokens =
      this.catalog.defaultMaxOutputTokens(this.format, body.model, opts.provider) ?? FALLBACK_MAX_TOKENS;
    return toAnthropicRequest(body, provider, maxTokens);
  }

  private requestOptions(scope: CallScope, opts: CallOptions) {
    return { signal: scope.signal, timeout: opts.timeoutMs, maxRetries: 0, headers: { ...opts.headers } };
  }
}
