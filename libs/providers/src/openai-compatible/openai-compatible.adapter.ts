import { Injectable } from '@nestjs/common';
import { OutboundPolicy } from '@switchyard/core';
import type OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type {
  Completion,
  CompletionCreateParamsNonStreaming,
  CompletionCreateParamsStreaming,
} from 'openai/resources/completions';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type {
  Response as ResponsesResponse,
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import type { ImageGenerateParamsNonStreaming, ImagesResponse } from 'openai/resources/images';
import type { SpeechCreateParams } from 'openai/resources/audio/speech';
import type { TranscriptionCreateParamsNonStreaming } from 'openai/resources/audio/transcriptions';
import type {
  CallOptions,
  ProviderAdapter,
  ProviderCredentials,
  SpeechAudio,
  TranscriptionResult,
} from '../provider.port.js';
import { CallScope } from '../shared/call-scope.js';
import { ClientCache } from '../shared/client-cache.js';
import { createOpenAIClient } from './openai-client.factory.js';
import { OpenAIHttpTransport } from './openai-http.transport.js';
import { classifyOpenAIError, openAIHttpError } from './openai.errors.js';
import { effortForBudget, stripInternalFields, type InternalChatRequest } from '../model/internal-model.js';

/**
 * A chat body for an OpenAI-format upstream: the internal model's extensions removed, and an
 * enabled `thinking` budget as the nearest `reasoning_effort` (unless the caller set one).
 */
export function toOpenAIChatBody<B extends object>(body: B): B {
  const internal = body as InternalChatRequest;
  const copy = { ...body } as Record<string, unknown>;
  if (internal.thinking?.type === 'enabled' && internal.reasoning_effort === undefined) {
    copy.reasoning_effort = effortForBudget(internal.thinking.budget_tokens);
  }
  return stripInternalFields(copy) as B;
}

/** Per-request options for the SDK: our merged signal and deadline, the caller's extra headers. */
interface SdkRequestOptions {
  signal: AbortSignal;
  timeout: number;
  maxRetries: 0;
  headers: Record<string, string>;
}

/**
 * Every OpenAI-compatible upstream (OpenAI, Azure, Mistral, Groq, Together, OpenRouter, Ollama,
 * vLLM...). Bodies pass through untouched: the canonical format is this wire format.
 *
 * Chat, completions and embeddings, the hot path, go straight over undici (openai-http.transport.ts:
 * a keep-alive pool per origin, no fetch); images, audio, ping and Azure's deployment-style URLs go
 * through the official SDK. Both classify errors with the same function.
 */
@Injectable()
export class OpenAICompatibleAdapter implements ProviderAdapter {
  readonly format = 'openai' as const;
  private readonly clients: ClientCache<ReturnType<typeof createOpenAIClient>>;
  private readonly http: OpenAIHttpTransport;

  /** Every connection, SDK or undici, goes through the outbound policy. */
  constructor(outbound: OutboundPolicy) {
    this.clients = new ClientCache((creds) => createOpenAIClient(creds, outbound.fetch));
    this.http = new OpenAIHttpTransport(this.format, outbound.connector(), outbound.maxAnswerBytes);
  }

  chat(
    internal: ChatCompletionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ChatCompletion> {
    const body = toOpenAIChatBody(internal);
    const endpoint = this.http.endpoint(creds);
    if (endpoint) return this.http.json<ChatCompletion>(endpoint, 'chat', body, creds, opts);
    return this.call(creds, opts, (client, req) => client.chat.completions.create(body, req));
  }

  chatStream(
    internal: ChatCompletionCreateParamsStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncIterable<ChatCompletionChunk> {
    const body = toOpenAIChatBody(internal);
    const endpoint = this.http.endpoint(creds);
    if (endpoint) return this.http.stream<ChatCompletionChunk>(endpoint, 'chat', body, creds, opts);
    return this.relay(creds, opts, (client, req) => client.chat.completions.create(body, req));
  }

  responses(
    body: ResponseCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ResponsesResponse> {
    const endpoint = this.http.endpoint(creds);
    if (endpoint) return this.http.json<ResponsesResponse>(endpoint, 'responses', body, creds, opts);
    return this.call(creds, opts, (client, req) => client.responses.create(body, req));
  }

  async *responsesStream(
    body: ResponseCreateParamsStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncGenerator<ResponseStreamEvent> {
    const endpoint = this.http.endpoint(creds);
    const events = endpoint
      ? this.http.stream<ResponseStreamEvent>(endpoint, 'responses', body, creds, opts)
      : this.relay(creds, opts, (client, req) => client.responses.create(body, req));
    for await (const event of events) {
      // A failure inside the stream has no HTTP status: its error object decides the class.
      if (event.type === 'error' || event.type === 'response.failed') {
        const error =
          event.type === 'error'
            ? { code: event.code, message: event.message, param: event.param }
            : event.response.error;
        const message = error?.message ?? 'the response failed';
        throw openAIHttpError(
          { status: undefined, headers: undefined, error, message },
          opts.provider ?? this.format,
          [creds.apiKey],
        );
      }
      yield event;
    }
  }

  completion(
    body: CompletionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<Completion> {
    const endpoint = this.http.endpoint(creds);
    if (endpoint) return this.http.json<Completion>(endpoint, 'completions', body, creds, opts);
    return this.call(creds, opts, (client, req) => client.completions.create(body, req));
  }

  completionStream(
    body: CompletionCreateParamsStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncIterable<Completion> {
    const endpoint = this.http.endpoint(creds);
    if (endpoint) return this.http.stream<Completion>(endpoint, 'completions', body, creds, opts);
    return this.relay(creds, opts, (client, req) => client.completions.create(body, req));
  }

  async embeddings(
    body: EmbeddingCreateParams,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<CreateEmbeddingResponse> {
    const endpoint = this.http.endpoint(creds);
    if (!endpoint) return this.call(creds, opts, (client, req) => client.embeddings.create(body, req));
    if (body.encoding_format) {
      return this.http.json<CreateEmbeddingResponse>(endpoint, 'embeddings', body, creds, opts);
    }
    // As the SDK does: ask for base64 (a third of the bytes, no float parsing) and decode to floats.
    const response = await this.http.json<CreateEmbeddingResponse>(
      endpoint,
      'embeddings',
      { ...body, encoding_format: 'base64' },
      creds,
      opts,
    );
    const data = (response as { data?: unknown } | null)?.data;
    if (Array.isArray(data)) {
      for (const item of data as Array<{ embedding?: unknown } | null>) {
        if (item && typeof item.embedding === 'string') item.embedding = base64Floats(item.embedding);
      }
    }
    return response;
  }

  images(
    body: ImageGenerateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ImagesResponse> {
    return this.call(creds, opts, (client, req) => client.images.generate(body, req));
  }

  speech(body: SpeechCreateParams, creds: ProviderCredentials, opts: CallOptions): Promise<SpeechAudio> {
    return this.call(creds, opts, async (client, req) => {
      const response = await client.audio.speech.create(body, req);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { contentType: response.headers.get('content-type') ?? 'application/octet-stream', body: bytes };
    });
  }

  speechStream(
    body: SpeechCreateParams,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncIterable<Uint8Array> {
    return this.relay(creds, opts, async (client, req) => {
      const response = await client.audio.speech.create(body, req);
      return (response.body ?? (async function* () {})()) as AsyncIterable<Uint8Array>;
    });
  }

  transcription(
    body: TranscriptionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<TranscriptionResult> {
    return this.call<TranscriptionResult>(creds, opts, (client, req) =>
      client.audio.transcriptions.create(body, req),
    );
  }

  async ping(creds: ProviderCredentials, opts: CallOptions): Promise<void> {
    await this.call(creds, opts, async (client, req) => {
      await client.models.list(req);
    });
  }

  /** Closes the upstream connection pools (at application shutdown). */
  async close(): Promise<void> {
    await this.http.close();
  }

  private requestOptions(scope: CallScope, opts: CallOptions): SdkRequestOptions {
    const headers = { ...opts.headers };
    if (opts.requestId) headers['x-client-request-id'] = opts.requestId;
    return { signal: scope.signal, timeout: opts.timeoutMs, maxRetries: 0, headers };
  }

  private async call<T>(
    creds: ProviderCredentials,
    opts: CallOptions,
    run: (client: OpenAI, req: SdkRequestOptions) => PromiseLike<T>,
  ): Promise<T> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    try {
      return await run(this.clients.get(creds), this.requestOptions(scope, opts));
    } catch (error) {
      throw classifyOpenAIError(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
    }
  }

  private async *relay<T>(
    creds: ProviderCredentials,
    opts: CallOptions,
    open: (client: OpenAI, req: SdkRequestOptions) => PromiseLike<AsyncIterable<T>>,
  ): AsyncGenerator<T> {
    const scope = new CallScope(opts, opts.provider ?? this.format);
    try {
      const stream = await open(this.clients.get(creds), this.requestOptions(scope, opts));
      scope.arm();
      for await (const chunk of stream) {
        scope.pause();
        yield chunk;
        scope.arm();
      }
      // The SDK ends a stream quietly when its signal aborts, so an early end may be ours.
      const interrupted = scope.interruption();
      if (interrupted) throw interrupted;
    } catch (error) {
      throw classifyOpenAIError(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
    }
  }
}

/** Little-endian float32s in base64, as OpenAI's `encoding_format: base64` sends them, as numbers. */
function base64Floats(encoded: string): number[] {
  const bytes = Buffer.from(encoded, 'base64');
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
  return Array.from(new Float32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.length / 4)));
}
