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
import { FetchCalls, type FetchApi } from '../shared/fetch-calls.js';
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
import { cappedText } from '../shared/capped-read.js';

/** The API root without a version segment: `https://api.cohere.com` (a trailing `/v1` or `/v2` is dropped). */
export function cohereApiRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v[12]$/, '');
}

const COHERE_API: FetchApi = {
  url: (baseUrl, path) => `${cohereApiRoot(baseUrl)}${path}`,
  headers: (creds, json) => ({
    ...(json ? { 'content-type': 'application/json', accept: 'application/json' } : {}),
    authorization: `Bearer ${creds.apiKey}`,
  }),
  responseError: cohereResponseError,
  classify: classifyCohereError,
};

/**
 * Cohere's v2 API (`/v2/chat`, its SSE stream, `/v2/embed`, `/v2/rerank`) over the outbound policy's fetch.
 * Cohere's SDK is not used: like Gemini's it would hide Retry-After and take no per-call fetch,
 * and the v2 shapes are small (OpenAI-like messages and tools, its own stream events).
 */
@Injectable()
export class CohereAdapter implements ProviderAdapter {
  readonly format = 'cohere' as const;
  private readonly calls: FetchCalls;

  constructor(outbound: OutboundPolicy) {
    this.calls = new FetchCalls(outbound, this.format, COHERE_API);
  }

  chat(
    body: ChatCompletionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ChatCompletion> {
    return this.calls.run(creds, opts, async (call) => {
      const request = toCohereRequest(body, call.provider);
      const answer = await call.json<CohereChatResponse>('/v2/chat', request);
      return toChatCompletion(answer, body.model, call.provider);
    });
  }

  chatStream(
    body: ChatCompletionCreateParamsStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncGenerator<ChatCompletionChunk> {
    return this.calls.stream(creds, opts, async function* (call) {
      const request = toCohereRequest(body, call.provider);
      const response = await call.send('/v2/chat', request);
      if (!response.body) throw new SyntaxError('stream response without a body');
      const mapper = new CohereStreamMapper(
        body.model,
        call.provider,
        body.stream_options?.include_usage === true,
      );
      yield* call.relay(readSseFrames(response.body), (data) =>
        mapper.map(JSON.parse(data) as CohereStreamEvent),
      );
      if (!mapper.complete) throw new SyntaxError('the stream ended without message-end');
    });
  }

  embeddings(
    body: EmbeddingCreateParams,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<CreateEmbeddingResponse> {
    return this.calls.run(creds, opts, async (call) => {
      const texts = cohereEmbeddingTexts(body.input, call.provider);
      const requests = cohereEmbedRequests(
        texts,
        body.model,
        inputTypeOf(body, call.provider),
        body.dimensions,
      );
      const answers: CohereEmbedResponse[] = [];
      for (const request of requests)
        answers.push(await call.json<CohereEmbedResponse>('/v2/embed', request));
      return toCohereEmbeddingResponse(answers, texts.length, body.model, body.encoding_format);
    });
  }

  rerank(body: RerankParams, creds: ProviderCredentials, opts: CallOptions): Promise<RerankResponse> {
    return this.calls.run(creds, opts, async (call) =>
      toRerankResponse(await call.json<CohereRerankResponse>('/v2/rerank', cohereRerankRequest(body)), body),
    );
  }

  ping(creds: ProviderCredentials, opts: CallOptions): Promise<void> {
    return this.calls.run(creds, opts, async (call) => {
      await cappedText(await call.send('/v1/models?page_size=1'));
    });
  }
}
