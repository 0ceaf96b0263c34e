import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloseSignal } from './close.signal.js';
import type { FaultSpec } from './fault.parser.js';
import type { GigaChatTokenStore } from './gigachat-token.store.js';
import type { ImageStore } from './image.store.js';
import type { MultipartForm } from './multipart.parser.js';
import type { PromptCacheStore } from './prompt-cache.store.js';
import type { WireFormat } from './simulator.types.js';

/** One request in flight, with everything a handler needs to answer it. */
export interface Exchange {
  readonly seq: number;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string>;
  readonly rawBody: Buffer;
  /** Parsed JSON (or multipart summary for recording); handlers narrow it themselves. */
  readonly body: unknown;
  /** The parsed form of a multipart request (uploads), else null. */
  readonly form: MultipartForm | null;
  readonly format: WireFormat;
  readonly apiKey: string | null;
  readonly model: string | null;
  readonly fault: FaultSpec;
  /** Fires when the client goes away or the simulator closes, so timers never outlive a socket. */
  readonly signal: CloseSignal;
  /** Unix seconds at arrival, used as `created`. */
  readonly createdSec: number;
  /** Base URL clients used to reach us, for self-served asset links. */
  readonly baseUrl: string;
  readonly images: ImageStore;
  /** Anthropic-style prompt cache, shared by every request of this simulator. */
  readonly promptCache: PromptCacheStore;
  /** GigaChat access tokens issued by the simulated OAuth endpoint. */
  readonly gigachatTokens: GigaChatTokenStore;
}

/** A route handler; it owns the response from here on. */
export type Handler = (ex: Exchange) => Promise<void>;
