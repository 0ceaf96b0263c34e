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
import { FetchCalls, type FetchApi } from '../shared/fetch-calls.js';
import { classifyGeminiError, geminiHttpError, geminiResponseError } from './gemini.errors.js';
import { embeddingTexts, embedRequests, toEmbeddingResponse } from './gemini.embeddings.js';
import { toGeminiRequest } from './gemini.request.js';
import { GeminiStreamMapper, toChatCompletion } from './gemini.response.js';
import { readSseData } from './gemini-sse.reader.js';
import type {
  GeminiBatchEmbedResponse,
  GeminiEmbedResponse,
  GeminiGenerateResponse,
} from './gemini.types.js';
import { cappedText } from '../shared/capped-read.js';

const DEFAULT_API_VERSION = 'v1beta';

/** The versioned API root: the base URL as given when it ends in a version segment, else + /v1beta. */
export function geminiApiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return /\/v\d+[a-z0-9]*$/i.test(trimmed) ? trimmed : `${trimmed}/${DEFAULT_API_VERSION}`;
}

function modelPath(model: string): string {
  const name = model.startsWith('models/') || model.startsWith('tunedModels/') ? model : `models/${model}`;
  return name.split('/').map(encodeURIComponent).join('/');
}

const GEMINI_API: FetchApi = {
  url: (baseUrl, path) => `${geminiApiRoot(baseUrl)}/${path}`,
  headers: (creds, json) => ({
    ...(json ? { 'content-type': 'application/json' } : {}),
    'x-goog-api-key': creds.apiKey,
  }),
  responseError: geminiResponseError,
  classify: classifyGeminiError,
};

/**
 * Gemini's REST API (generateContent, streamGenerateContent, embedContent, batchEmbedContents)
 * over fetch. It does not go through @google/generative-ai: that SDK drops the response headers
 * (so Retry-After) and the error's google.rpc status, and cannot take a per-call fetch; the
 * request and response shapes here follow the REST reference instead.
 */
@Injectable()
export class GeminiAdapter implements ProviderAdapter {
  readonly format = 'gemini' as const;
  private readonly calls: FetchCalls;

  /** Every request goes through the outbound policy's fetch. */
  constructor(outbound: OutboundPolicy) {
    this.calls = new FetchCalls(outbound, this.format, GEMINI_API);
  }

  chat(
    body: ChatCompletionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ChatCompletion> {
    return this.calls.run(creds, opts, async (call) => {
      const request = toGeminiRequest(body, call.provider);
      const path = `${modelPath(body.model)}:generateContent`;
      const answer = await call.json<GeminiGenerateResponse>(path, request);
      return toChatCompletion(answer, body.model, call.provider);
    });
  }

  chatStream(
    body: ChatCompletionCreateParamsStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncGenerator<ChatCompletionChunk> {
    return this.calls.stream(creds, opts, async function* (call) {
      const request = toGeminiRequest(body, call.provider);
      const path = `${modelPath(body.model)}:streamGenerateContent?alt=sse`;
      const response = await call.send(path, request);
      if (!response.body) throw new SyntaxError('stream response without a body');
      const mapper = new GeminiStreamMapper(
        body.model,
        call.provider,
        body.stream_options?.include_usage === true,
      );
      yield* call.relay(readSseData(response.body), (frame) => {
        const data = frame as GeminiGenerateResponse;
        if (data.error)
          throw geminiHttpError(undefined, { error: data.error }, undefined, call.provider, call.secrets);
        return mapper.map(data);
      });
      yield* mapper.finish();
    });
  }

  embeddings(
    body: EmbeddingCreateParams,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<CreateEmbeddingResponse> {
    return this.calls.run(creds, opts, async (call) => {
      const texts = embeddingTexts(body.input, call.provider);
      const requests = embedRequests(texts, body.model, body.dimensions);
      let vectors: number[][];
      const [single] = requests;
      if (requests.length === 1 && single) {
        const { model: _model, ...request } = single;
        const path = `${modelPath(body.model)}:embedContent`;
        vectors = [(await call.json<GeminiEmbedResponse>(path, request)).embedding?.values ?? []];
      } else {
        const path = `${modelPath(body.model)}:batchEmbedContents`;
        vectors = ((await call.json<GeminiBatchEmbedResponse>(path, { requests })).embeddings ?? []).map(
          (e) => e.values ?? [],
        );
      }
      if (vectors.length !== texts.length || vectors.some((v) => v.length === 0)) {
        throw new SyntaxError('embedding response does not match the request');
      }
      return await toEmbeddingResponse(vectors, texts, body.model, body.encoding_format);
    });
  }

  ping(creds: ProviderCredentials, opts: CallOptions): Promise<void> {
    return this.calls.run(creds, opts, async (call) => {
      await cappedText(await call.send('models?pageSize=1'));
    });
  }
}
