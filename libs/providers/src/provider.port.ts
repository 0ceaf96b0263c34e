import type { AbortSource } from '@switchyard/core';
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
import type { RerankParams, RerankResponse } from './rerank.types.js';
import type { SpeechCreateParams } from 'openai/resources/audio/speech';
import type {
  Transcription,
  TranscriptionCreateParamsNonStreaming,
  TranscriptionVerbose,
} from 'openai/resources/audio/transcriptions';

/** Audio bytes from a text-to-speech call. */
export interface SpeechAudio {
  /** The upstream's content type, e.g. `audio/wav`, `audio/mpeg`. */
  contentType: string;
  body: Uint8Array;
}

/** A transcription: OpenAI's JSON shapes, or the raw text for `text`, `srt` and `vtt`. */
export type TranscriptionResult = Transcription | TranscriptionVerbose | string;

/**
 * The dialect an upstream speaks. Each wire format has exactly one adapter; many providers share
 * one (every OpenAI-compatible vendor speaks `openai`).
 */
export type WireFormat = 'openai' | 'gemini' | 'anthropic' | 'cohere' | 'gigachat';

/** Every wire format, in registration order. */
export const WIRE_FORMATS: readonly WireFormat[] = ['openai', 'gemini', 'anthropic', 'cohere', 'gigachat'];

/** Where and as whom one upstream call is made. Adapters never store these between calls. */
export interface ProviderCredentials {
  /** The provider API key (a placeholder for keyless local servers). Never logged, never echoed. */
  apiKey: string;
  /**
   * The upstream base URL, in the form the wire format's client expects:
   * OpenAI-compatible `https://api.openai.com/v1`, Anthropic `https://api.anthropic.com`,
   * Gemini `https://generativelanguage.googleapis.com/v1beta` (the last segment is the API version).
   */
  baseUrl: string;
  /** opaque id of the vault key, for failover bookkeeping */
  keyId?: string;
  /**
   * The provider's default headers (runtime providers): sent with every call, replacing the
   * adapter's own headers of the same name (an `Authorization` here replaces the key's).
   */
  headers?: Readonly<Record<string, string>>;
}

/** Per-call options; `timeoutMs` is required so no call can wait forever. */
export interface CallOptions {
  /** The caller's cancellation (e.g. the client disconnected): the call fails with kind `aborted`. */
  signal?: AbortSource;
  /**
   * Non-stream calls: the whole call, body included, must finish within this many ms.
   * Streams: the response headers, and then every next chunk, must arrive within it (an idle
   * timeout, so long generations are never cut while tokens keep flowing). Exceeding it fails
   * with kind `timeout`.
   */
  timeoutMs: number;
  /**
   * Streams: after the response headers, the longest wait for a next chunk (a stall), when it
   * should be shorter than `timeoutMs` (STREAM_STALL_TIMEOUT_MS). Unset: `timeoutMs`.
   */
  stallTimeoutMs?: number;
  /** The gateway request id; sent upstream where the wire format has a header for it. */
  requestId?: string;
  /** extra upstream headers (tests use x-sim-fault) */
  headers?: Record<string, string>;
  /** The catalog provider id the call goes to, used in errors and catalog look-ups; defaults to the wire format. */
  provider?: string;
}

/**
 * One wire format's adapter. The canonical request and response shapes are OpenAI's; an adapter
 * translates them to its upstream and back, makes exactly one attempt (retries and failover live
 * in the routing layer) and turns every failure into a {@link ProviderError}.
 *
 * Optional members are capabilities a wire format may lack; new ones (images, audio) are added as
 * further optional members without touching these.
 */
export interface ProviderAdapter {
  /** The wire format this adapter speaks; the registry's key. */
  readonly format: WireFormat;
  /** A chat completion, OpenAI-shaped whatever the upstream. */
  chat(
    body: ChatCompletionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ChatCompletion>;
  /**
   * Yields OpenAI-shaped chunks one for one as upstream produces them (no buffering). The final
   * chunk(s) carry usage when the upstream reports it; the iterator throws ProviderError on a
   * mid-stream failure. Breaking out of the loop aborts the upstream request.
   */
  chatStream(
    body: ChatCompletionCreateParamsStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncIterable<ChatCompletionChunk>;
  /**
   * A Responses API call passed through as it is (for providers whose catalog entry says
   * `responsesApi`): OpenAI's request and Response object, built-in tools included.
   */
  responses?(
    body: ResponseCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ResponsesResponse>;
  /**
   * A streamed Responses API call, event for event. An `error` or `response.failed` event throws a
   * ProviderError, classified as the chat calls' errors are.
   */
  responsesStream?(
    body: ResponseCreateParamsStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncIterable<ResponseStreamEvent>;
  /** A legacy text completion. */
  completion?(
    body: CompletionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<Completion>;
  /** A streamed legacy text completion, chunk for chunk. */
  completionStream?(
    body: CompletionCreateParamsStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncIterable<Completion>;
  /** Embeddings in OpenAI's list shape, `encoding_format` honoured. */
  embeddings?(
    body: EmbeddingCreateParams,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<CreateEmbeddingResponse>;
  /** Orders documents by relevance to a query (Cohere's `/v2/rerank`); billed in search units. */
  rerank?(body: RerankParams, creds: ProviderCredentials, opts: CallOptions): Promise<RerankResponse>;
  /** Image generation; `response_format` b64_json is what the gateway asks for (it stores and signs URLs itself). */
  images?(
    body: ImageGenerateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<ImagesResponse>;
  /** Text to speech: the whole audio. */
  speech?(body: SpeechCreateParams, creds: ProviderCredentials, opts: CallOptions): Promise<SpeechAudio>;
  /**
   * Text to speech, yielding the audio bytes as upstream sends them (the idle timeout applies
   * between chunks). Breaking out of the loop aborts the upstream request.
   */
  speechStream?(
    body: SpeechCreateParams,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): AsyncIterable<Uint8Array>;
  /** Speech to text; `body.file` is an uploadable (e.g. `toFile(buffer, name)`). */
  transcription?(
    body: TranscriptionCreateParamsNonStreaming,
    creds: ProviderCredentials,
    opts: CallOptions,
  ): Promise<TranscriptionResult>;
  /** A cheap authenticated call (e.g. list models), used to test a key. */
  ping?(creds: ProviderCredentials, opts: CallOptions): Promise<void>;
  /** Releases what the adapter keeps between calls (connection pools); called once at shutdown. */
  close?(): Promise<void>;
}

/**
 * Why an upstream call failed, classified once per wire format:
 * - `auth` 401 / invalid key; `permission` 403 / key lacks access; both mark the key bad.
 * - `rate_limit` 429 that clears with time (see `retryAfterMs`); `quota` the account is out of credit.
 * - `bad_request` the request itself is wrong: never retried elsewhere.
 * - `context_length` the prompt does not fit; `content_filter` the upstream refused the content.
 * - `not_found` unknown model or endpoint upstream.
 * - `server` 5xx / overloaded; `timeout` our own deadline passed; `network` connection refused,
 *   reset, dropped mid-stream, or a body we could not parse.
 * - `aborted` the caller's signal fired.
 */
export type ProviderErrorKind =
  | 'auth'
  | 'permission'
  | 'rate_limit'
  | 'quota'
  | 'bad_request'
  | 'context_length'
  | 'content_filter'
  | 'not_found'
  | 'server'
  | 'timeout'
  | 'network'
  | 'aborted';

const RETRYABLE_KINDS: ReadonlySet<ProviderErrorKind> = new Set([
  'rate_limit',
  'server',
  'timeout',
  'network',
]);

/** Details of a {@link ProviderError} besides its kind and message. */
export interface ProviderErrorOptions {
  /** The catalog provider id (or the wire format when the caller did not say). */
  provider: string;
  upstreamStatus?: number;
  retryAfterMs?: number;
  upstreamCode?: string;
  /** The request parameter the upstream blamed, when it said. */
  param?: string;
  /** The upstream's own request id, for support tickets. */
  upstreamRequestId?: string;
}

/**
 * The one error every adapter throws. Its message is safe to log and to show an operator: it
 * never contains a key (adapters sanitize upstream text before building it).
 */
export class ProviderError extends Error {
  /** The class of failure, which decides retry, failover and the caller-facing status. */
  readonly kind: ProviderErrorKind;
  /** The catalog provider id (or the wire format when the caller did not name the provider). */
  readonly provider: string;
  /** The upstream HTTP status, when the failure had one. */
  readonly upstreamStatus?: number;
  /** How long the upstream asked us to wait (Retry-After or its equivalent), in ms. */
  readonly retryAfterMs?: number;
  /** The upstream's machine-readable code, e.g. `context_length_exceeded`, `RESOURCE_EXHAUSTED`, `ECONNREFUSED`. */
  readonly upstreamCode?: string;
  /** The request parameter the upstream (or the adapter's translation) blamed. */
  readonly param?: string;
  /** The upstream's own request id, for support tickets. */
  readonly upstreamRequestId?: string;

  constructor(kind: ProviderErrorKind, message: string, options: ProviderErrorOptions) {
    super(message);
    this.name = 'ProviderError';
    this.kind = kind;
    this.provider = options.provider;
    this.upstreamStatus = options.upstreamStatus;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamCode = options.upstreamCode;
    this.param = options.param;
    this.upstreamRequestId = options.upstreamRequestId;
  }

  /** Whether the same request may succeed on another attempt (same or another key/provider). */
  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }
}
