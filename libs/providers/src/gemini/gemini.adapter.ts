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
import { CallScope } from '../shared/call-scope.js';
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

/**
 * Gemini's REST API (generateContent, streamGenerateContent, embedContent, batchEmbedContents)
 * over fetch. It does not go through @google/generative-ai: that SDK drops the response headers
 * (so Retry-After) and the error's google.rpc status, and cannot take a per-call fetch; the
 * request and response shapes here follow the REST reference instead.
 */
@Injectable()
export class GeminiAdapter implements ProviderAdapter {
  readonly format = 'gemini' as const;

  /** Every request goes through the outbound policy's fetch. */
  constructor(private readonly outbound: OutboundPolicy) {}

  async chat(
    body: ChatCompletionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ChatCompletion> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    try {
      const request = toGeminiRequest(body, scope.provider);
      const response = await this.post(
        scope,
        creds,
        opts,
        `${modelPath(body.model)}:generateContent`,
        request,
      );
      return toChatCompletion(await readJson<GeminiGenerateResponse>(response), body.model, scope.provider);
    } catch (error) {
      throw classifyGeminiError(error, scope, [creds.apiKey]);
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
      const request = toGeminiRequest(body, scope.provider);
      const path = `${modelPath(body.model)}:streamGenerateContent?alt=sse`;
      const response = await this.post(scope, creds, opts, path, request);
      if (!response.body) throw new SyntaxError('stream response without a body');
      const mapper = new GeminiStreamMapper(
        body.model,
        scope.provider,
        body.stream_options?.include_usage === true,
      );
      scope.arm();
      for await (const frame of readSseData(response.body)) {
        const data = frame as GeminiGenerateResponse;
        if (data.error)
          throw geminiHttpError(undefined, { error: data.error }, undefined, scope.provider, secrets);
        for (const chunk of mapper.map(data)) {
          scope.pause();
          yield chunk;
          scope.arm();
        }
      }
      for (const chunk of mapper.finish()) yield chunk;
    } catch (error) {
      throw classifyGeminiError(error, scope, secrets);
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
      const texts = embeddingTexts(body.input, scope.provider);
      const requests = embedRequests(texts, body.model, body.dimensions);
      let vectors: number[][];
      const [single] = requests;
      if (requests.length === 1 && single) {
        const { model: _model, ...request } = single;
        const response = await this.post(
          scope,
          creds,
          opts,
          `${modelPath(body.model)}:embedContent`,
          request,
        );
        vectors = [(await readJson<GeminiEmbedResponse>(response)).embedding?.values ?? []];
      } else {
        const path = `${modelPath(body.model)}:batchEmbedContents`;
        const response = await this.post(scope, creds, opts, path, { requests });
        vectors = ((await readJson<GeminiBatchEmbedResponse>(response)).embeddings ?? []).map(
          (e) => e.values ?? [],
        );
      }
      if (vectors.length !== texts.length || vectors.some((v) => v.length === 0)) {
        throw new SyntaxError('embedding response does not match the request');
      }
      return await toEmbeddingResponse(vectors, texts, body.model, body.encoding_format);
    } catch (error) {
      throw classifyGeminiError(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
    }
  }

  async ping(creds: ProviderCredentials, opts: CallOptions): Promise<void> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    try {
      const response = await this.outbound.fetch(`${geminiApiRoot(creds.baseUrl)}/models?pageSize=1`, {
        headers: { ...opts.headers, 'x-goog-api-key': creds.apiKey, ...creds.headers },
        signal: scope.signal,
      });
      if (!response.ok) throw await geminiResponseError(response, scope.provider, [creds.apiKey]);
      await response.arrayBuffer();
    } catch (error) {
      throw classifyGeminiError(error, scope, [creds.apiKey]);
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
    const response = await this.outbound.fetch(`${geminiApiRoot(creds.baseUrl)}/${path}`, {
      method: 'POST',
      headers: {
        ...opts.headers,
        'content-type': 'application/json',
        'x-goog-api-key': creds.apiKey,
        ...creds.headers,
      },
      body: JSON.stringify(body),
      signal: scope.signal,
    });
    if (!response.ok) throw await geminiResponseError(response, scope.provider, [creds.apiKey]);
    return response;
  }
}

/** A JSON body; a malformed one surfaces as SyntaxError, classified as `network`. */
async function readJson<T>(response: Response): Promise<T> {
  return JSON.parse(await response.text()) as T;
}
