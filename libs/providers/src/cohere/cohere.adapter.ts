import { Injectable } from '@nestjs/common';
import { OutboundPolicy } from '@switchyard/core';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { CallOptions, ProviderAdapter, ProviderCredentials } from '../provider.port.js';
import type { RerankParams, RerankResponse } from '../rerank.types.js';
import { CallScope } from '../shared/call-scope.js';
import { readSseFrames } from '../shared/sse-data.reader.js';
import {
  cohereEmbeddingTexts,
  cohereEmbedRequests,
  inputTypeOf,
  toCohereEmbeddingResponse,
} from './cohere.embeddings.js';
import { classifyCohereError, cohereResponseError } from './cohere.errors.js';
import { cohereRerankRequest, toRerankResponse, type CohereRerankResponse } from './cohere.rerank.js';
import { toCohereRequest } from './cohere.request.js';
import { CohereStreamMapper, toChatCompletion } from './cohere.response.js';
import type { CohereChatResponse, CohereEmbedResponse, CohereStreamEvent } from './cohere.types.js';

/** The API root without a version segment: `https://api.cohere.com` (a trailing `/v1` or `/v2` is dropped). */
export function cohereApiRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v[12]$/, '');
}

/**
 * Cohere's v2 API (`/v2/chat`, its SSE stream, `/v2/embed`, `/v2/rerank`) over the outbound policy's fetch.
 * Cohere's SDK is not used: like Gemini's it would hide Retry-After and take no per-call fetch,
 * and the v2 shapes are small (OpenAI-like messages and tools, its own stream events).
 */
@Injectable()
export class CohereAdapter implements ProviderAdapter {
  readonly format = 'cohere' as const;

  constructor(private readonly outbound: OutboundPolicy) {}

  async chat(
    body: ChatCompletionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ChatCompletion> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    try {
      const request = toCohereRequest(body, scope.provider);
      const response = await this.post(scope, creds, opts, '/v2/chat', request);
      return toChatCompletion(await readJson<CohereChatResponse>(response), body.model, scope.provider);
    } catch (error) {
      throw classifyCohereError(error, scope, [creds.apiKey]);
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
      const request = toCohereRequest(body, scope.provider);
      const response = await this.post(scope, creds, opts, '/v2/chat', request);
      if (!response.body) throw new SyntaxError('stream response without a body');
      const mapper = new CohereStreamMapper(
        body.model,
        scope.provider,
        body.stream_options?.include_usage === true,
      );
      scope.arm();
      for await (const data of readSseFrames(response.body)) {
        for (const chunk of mapper.map(JSON.parse(data) as CohereStreamEvent)) {
          scope.pause();
          yield chunk;
          scope.arm();
        }
      }
      if (!mapper.complete) throw new SyntaxError('the stream ended without message-end');
    } catch (error) {
      throw classifyCohereError(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
    }
  }

  async embeddings(
    body: EmbeddingCreateParams,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<CreateEmbeddingResponse> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    try {
      const texts = cohereEmbeddingTexts(body.input, scope.provider);
      const requests = cohereEmbedRequests(
        texts,
        body.model,
        inputTypeOf(body, scope.provider),
        body.dimensions,
      );
      const answers: CohereEmbedResponse[] = [];
      for (const request of requests) {
        const response = await this.post(scope, creds, opts, '/v2/embed', request);
        answers.push(await readJson<CohereEmbedResponse>(response));
      }
      return toCohereEmbeddingResponse(answers, texts.length, body.model, body.encoding_format);
    } catch (error) {
      throw classifyCohereError(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
    }
  }

  async rerank(body: RerankParams, creds: ProviderCredentials, opts: CallOptions): Promise<RerankResponse> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    try {
      const response = await this.post(scope, creds, opts, '/v2/rerank', cohereRerankRequest(body));
      return toRerankResponse(await readJson<CohereRerankResponse>(response), body);
    } catch (error) {
      throw classifyCohereError(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
    }
  }

  async ping(creds: ProviderCredentials, opts: CallOptions): Promise<void> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    try {
      const response = await this.outbound.fetch(`${cohereApiRoot(creds.baseUrl)}/v1/models?page_size=1`, {
        headers: { ...opts.headers, authorization: `Bearer ${creds.apiKey}`, ...creds.headers },
        signal: scope.signal,
      });
      if (!response.ok) throw await cohereResponseError(response, scope.provider, [creds.apiKey]);
      await response.arrayBuffer();
    } catch (error) {
      throw classifyCohereError(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
    }
  }

  private async post(
    scope: CallScope,
    creds: ProviderCredentials,
    opts: CallOptions,
    path: string,
    body: unknown,
  ): Promise<Response> {
    const response = await this.outbound.fetch(`${cohereApiRoot(creds.baseUrl)}${path}`, {
      method: 'POST',
      headers: {
        ...opts.headers,
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${creds.apiKey}`,
        ...creds.headers,
      },
      body: JSON.stringify(body),
      signal: scope.signal,
    });
    if (!response.ok) throw await cohereResponseError(response, scope.provider, [creds.apiKey]);
    return response;
  }
}

/** A JSON body; a malformed one surfaces as SyntaxError, classified as `network`. */
async function readJson<T>(response: Response): Promise<T> {
  return JSON.parse(await response.text()) as T;
}
