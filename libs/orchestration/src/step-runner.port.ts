import type { ResolvedModel } from '@switchyard/providers';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** One upstream call of a plan, as a strategy asks for it. */
export interface StepCall {
  /** The step's id in the plan (`answer`, `reason`, `vote-1`, `judge`, `draft`...). */
  id: string;
  /** The models to try in order (the chosen one, then its failover). */
  targets: readonly ResolvedModel[];
  messages: ChatCompletionMessageParam[];
  /** Request fields over the caller's (sampling presets, `max_tokens`, `response_format`). */
  params: Record<string, unknown>;
  /** A hard deadline for this step (vote's per-model budget): after it the step fails with `timeout`. */
  deadlineMs?: number;
}

/** What one step produced. */
export interface StepResult {
  id: string;
  /** The model that served. */
  target: ResolvedModel;
  text: string;
  /** The provider's own reasoning (`reasoning_content`), when it sent any. */
  reasoning: string;
  /** Function calls the model asked for (a step offered tools: web search's `web_search`). */
  toolCalls?: StepToolCall[];
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
}

/** A function call a step's model asked for. */
export interface StepToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them (JSON text). */
  arguments: string;
}

/** A media step of a plan (an image, or speech): one upstream call on the first target that serves. */
export interface MediaStepCall {
  id: string;
  /** The models to try in order (the chosen one, then its failover). */
  targets: readonly ResolvedModel[];
}

/** An image step: one PNG for `prompt`. */
export interface ImageStepCall extends MediaStepCall {
  prompt: string;
}

/** A speech step: `text` read aloud in `voice`. */
export interface SpeechStepCall extends MediaStepCall {
  text: string;
  voice: string;
}

/** The image an image step produced. */
export interface ImageResult {
  id: string;
  target: ResolvedModel;
  /** The PNG, base64. */
  data: string;
  format: 'png';
  /** What the image shows: the provider's revised prompt, else the prompt. */
  description: string;
  latencyMs: number;
}

/** The audio a speech step produced. */
export interface SpeechResult {
  id: string;
  target: ResolvedModel;
  /** The audio, base64. */
  data: string;
  /** `wav`, `mp3`... (from the upstream's content type). */
  format: string;
  mimeType: string;
  voice: string;
  /** Characters read (what the step is priced on). */
  characters: number;
  latencyMs: number;
}

/** A piece of a streamed step. */
export interface StepDelta {
  content?: string;
  reasoning?: string;
}

/**
 * Runs the steps of one orchestrated request: bound to its caller, request id, cancellation
 * and its one credit reservation (every step is metered under the request). The chat lib
 * implements it; strategies only see this port.
 */
export interface StepRunner {
  /** A whole step; rejects with the provider's error when every target failed. */
  call(step: StepCall): Promise<StepResult>;
  /** A step streamed delta for delta; the generator's return value is the step's result. */
  stream(step: StepCall): AsyncGenerator<StepDelta, StepResult>;
  /** An image (priced per image); rejects with the provider's error when every target failed. */
  image(step: ImageStepCall): Promise<ImageResult>;
  /** Speech (priced per character); rejects with the provider's error when every target failed. */
  speech(step: SpeechStepCall): Promise<SpeechResult>;
}

/** Where a strategy writes the answer the client sees (a stream, or a buffer for a JSON answer). */
export interface AnswerSink {
  reasoning(delta: string): Promise<void>;
  content(delta: string): Promise<void>;
}
