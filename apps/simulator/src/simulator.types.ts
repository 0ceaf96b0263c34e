/** Options for {@link startSimulator}. Every field is optional. */
export interface SimulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** default added latency for every response, ms */
  latencyMs?: number;
  /** default delay between stream chunks, ms */
  chunkDelayMs?: number;
  /** keep request records (default true; the benchmark turns it off) */
  record?: boolean;
  /** lifetime of the GigaChat access tokens it issues, ms (default 30 minutes, as GigaChat's) */
  gigachatTokenTtlMs?: number;
}

/** Which upstream dialect a request spoke, decided by its path. */
export type WireFormat = 'openai' | 'gemini' | 'anthropic' | 'cohere' | 'gigachat' | 'control';

/** One provider request as the simulator saw it, kept so tests can assert what the gateway sent. */
export interface RecordedRequest {
  /** 1-based arrival order; also used in response ids such as `chatcmpl-sim-<seq>`. */
  seq: number;
  /** Arrival time, ms since the epoch. */
  time: number;
  method: string;
  /** Path without the query string. */
  path: string;
  format: WireFormat;
  /** The credential as the provider reads it, or null when none was sent. */
  apiKey: string | null;
  model: string | null;
  /** Request headers, names lower-cased, repeated values joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON, or for multipart `{fields, files:[{name, filename, bytes, mime}]}`, or null. */
  body: unknown;
}

/** A canned answer for one API key, applied before any fault. */
export interface KeyBehavior {
  status: number;
  retryAfterSeconds?: number;
  /** apply this many times, then behave normally; default forever */
  times?: number;
}

/** A running simulator. */
export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:43121 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** The live record list (oldest first, at most 10,000). */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /** That key now gets 401 in the provider's error shape. */
  invalidateKey(key: string): void;
  /** e.g. {status:429, retryAfterSeconds:2}; null removes the behavior. */
  setKeyBehavior(key: string, behavior: KeyBehavior | null): void;
  /** Forgets every GigaChat access token issued: the next chat call with one is a 401. */
  revokeGigaChatTokens(): void;
  /** Clears records, key behaviors and the prompt cache. */
  reset(): void;
  /** Closes the server and every socket, hanging ones too. */
  close(): Promise<void>;
}
