import { CallAbort } from '@switchyard/core';
import type {
  ImageResult,
  ImageStepCall,
  MediaStepCall,
  SpeechResult,
  SpeechStepCall,
  StepCall,
  StepDelta,
  StepResult,
  StepRunner,
  StepToolCall,
} from '@switchyard/orchestration';
import { ProviderError, type ResolvedModel } from '@switchyard/providers';
import {
  callOptionsFor,
  type CallContext,
  type PerformanceTracker,
  type UpstreamExecutor,
} from '@switchyard/routing';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { ImageGenerateParamsNonStreaming } from 'openai/resources/images';
import type { SpeechCreateParams } from 'openai/resources/audio/speech';
import type { MeteredStep, MeteredUsage } from './metering.js';
import { PromptTokens, textTokenBound } from './token-estimate.js';
import { cacheUsageOf } from './prompt-cache.js';

/** Switchyard's own request fields, and orchestration's: never sent upstream. */
const OWN_FIELDS = [
  'models',
  'route',
  'plugins',
  'stream_failover',
  'include_reasoning',
  'search',
  'web_search_options',
] as const;

/** A step as it ran, for the settlement (one usage record each) and the answer's explanation. */
export interface StepRecord extends MeteredStep {
  id: string;
  error?: string;
}

interface Deps {
  executor: UpstreamExecutor;
  tracker: PerformanceTracker;
  stallTimeoutMs: number;
}

/** Reasoning as providers stream it: DeepSeek's `reasoning_content`, OpenRouter's `reasoning`. */
function reasoningOf(part: unknown): string {
  const p = part as { reasoning_content?: unknown; reasoning?: unknown } | undefined;
  if (typeof p?.reasoning_content === 'string') return p.reasoning_content;
  return typeof p?.reasoning === 'string' ? p.reasoning : '';
}

/**
 * The chat lib's {@link StepRunner}: runs a plan's steps for one request with the upstream
 * executor (key and target failover, retries, breakers) under the request's id and cancellation,
 * and records each step's usage for the one settlement of the plan. A step with a deadline (a
 * voter's budget, the classifier's) is cut when it passes and fails with `timeout`.
 */
export class OrchestrationStepRunner implements StepRunner {
  readonly records: StepRecord[] = [];

  constructor(
    private readonly deps: Deps,
    private readonly body: Record<string, unknown>,
    private readonly context: CallContext,
  ) {}

  async call(step: StepCall): Promise<StepResult> {
    const started = Date.now();
    const { context, expired, dispose } = this.deadline(step);
    let served;
    try {
      served = await this.deps.executor.execute(step.targets, context, (a) =>
        a.adapter.chat(
          { ...this.bodyFor(step, a.target), stream: false } as ChatCompletionCreateParamsNonStreaming,
          a.credentials,
          callOptionsFor(a, context, {
            stallTimeoutMs: this.deps.stallTimeoutMs,
            deadlineMs: step.deadlineMs,
          }),
        ),
      );
    } catch (err) {
      throw this.failed(step, started, expired() ? timeoutError(step) : err);
    } finally {
      dispose();
    }
    const answer: ChatCompletion = served.value;
    const message = answer.choices?.[0]?.message;
    const text = message?.content ?? '';
    const reasoning = reasoningOf(message);
    const usage = this.usageOf(answer.usage, step, text + reasoning);
    const latencyMs = Date.now() - started;
    this.deps.tracker.finished(served.target.id, latencyMs, usage.outputTokens, latencyMs);
    this.records.push({ id: step.id, target: served.target, usage, outcome: { status: 'ok', latencyMs } });
    const toolCalls = toolCallsOf(message);
    return {
      id: step.id,
      target: served.target,
      text,
      reasoning,
      ...tokens(usage),
      latencyMs,
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
    };
  }

  async *stream(step: StepCall): AsyncGenerator<StepDelta, StepResult> {
    const started = Date.now();
    const { context, expired, dispose } = this.deadline(step);
    let served;
    try {
      served = await this.deps.executor.execute(step.targets, context, async (a) => {
        const iterator = a.adapter
          .chatStream(
            {
              ...this.bodyFor(step, a.target),
              stream: true,
              stream_options: { include_usage: true },
            } as ChatCompletionCreateParamsStreaming,
            a.credentials,
            callOptionsFor(a, context, {
              stallTimeoutMs: this.deps.stallTimeoutMs,
              deadlineMs: step.deadlineMs,
            }),
          )
          [Symbol.asyncIterator]();
        return { iterator, first: await iterator.next() };
      });
    } catch (err) {
      dispose();
      throw this.failed(step, started, expired() ? timeoutError(step) : err);
    }
    const ttftMs = Date.now() - started;
    const busy = this.deps.tracker.begin(served.target.id);
    let text = '';
    let reasoning = '';
    let reported: ChatCompletionChunk['usage'] | undefined;
    let error: unknown;
    try {
      for (let next = served.value.first; !next.done; next = await served.value.iterator.next()) {
        const chunk = next.value;
        if (chunk.usage) reported = chunk.usage;
        const delta = chunk.choices?.[0]?.delta;
        const content = delta?.content ?? '';
        const thought = reasoningOf(delta);
        text += content;
        reasoning += thought;
        if (content || thought)
          yield { ...(content ? { content } : {}), ...(thought ? { reasoning: thought } : {}) };
      }
    } catch (err) {
      error = expired() ? timeoutError(step) : err;
    } finally {
      busy();
      dispose();
      // A consumer that stopped early (the client left) ends the upstream stream too.
      if (error === undefined && this.context.signal.aborted) await served.value.iterator.return?.();
    }
    const usage = this.usageOf(reported ?? undefined, step, text + reasoning);
    const latencyMs = Date.now() - started;
    if (error !== undefined) {
      // What was produced before the break is paid for.
      this.records.push({
        id: step.id,
        target: served.target,
        usage,
        outcome: { status: 'error', latencyMs, ttftMs, errorClass: errorClassOf(error) },
        error: messageOf(error),
      });
      throw error instanceof Error ? error : new Error(messageOf(error));
    }
    this.deps.tracker.finished(served.target.id, latencyMs, usage.outputTokens, ttftMs);
    this.records.push({
      id: step.id,
      target: served.target,
      usage,
      outcome: { status: 'ok', latencyMs, ttftMs },
    });
    return { id: step.id, target: served.target, text, reasoning, ...tokens(usage), latencyMs };
  }

  /**
   * An image step through the images adapter (`images` operation; key and target failover):
   * one PNG, base64, priced per image.
   */
  async image(step: ImageStepCall): Promise<ImageResult> {
    const started = Date.now();
    let served;
    try {
      served = await this.deps.executor.execute(step.targets, this.context, (a) => {
        if (!a.adapter.images) throw unsupported(a.target, 'generate images');
        const body = {
          model: a.target.upstreamModel,
          prompt: step.prompt,
          n: 1,
          response_format: 'b64_json',
        } as ImageGenerateParamsNonStreaming;
        return a.adapter.images(body, a.credentials, callOptionsFor(a, this.context));
      });
    } catch (err) {
      throw this.failed(step, started, err);
    }
    const item = served.value.data?.[0];
    const png = item?.b64_json ? Buffer.from(item.b64_json, 'base64') : undefined;
    const latencyMs = Date.now() - started;
    if (!png || !png.subarray(0, 8).equals(PNG_SIGNATURE)) {
      // Nothing usable came back: recorded as a failure on the model that answered, not charged.
      throw this.failed(
        { ...step, targets: [served.target] },
        started,
        new ProviderError('server', `${served.target.id} did not return a PNG image.`, {
          provider: served.target.provider.id,
        }),
      );
    }
    this.deps.tracker.finished(served.target.id, latencyMs, 0, latencyMs);
    this.records.push({
      id: step.id,
      target: served.target,
      usage: { inputTokens: 0, outputTokens: 0, images: 1 },
      outcome: { status: 'ok', latencyMs },
    });
    return {
      id: step.id,
      target: served.target,
      data: item!.b64_json!,
      format: 'png',
      description: item!.revised_prompt || step.prompt,
      latencyMs,
    };
  }

  /** A speech step through the audio adapter (`audio_speech` operation): priced per character. */
  async speech(step: SpeechStepCall): Promise<SpeechResult> {
    const started = Date.now();
    const characters = [...step.text].length;
    let served;
    try {
      served = await this.deps.executor.execute(step.targets, this.context, (a) => {
        if (!a.adapter.speech) throw unsupported(a.target, 'speak');
        const body: SpeechCreateParams = {
          model: a.target.upstreamModel,
          input: step.text,
          voice: step.voice,
          response_format: 'wav',
        };
        return a.adapter.speech(body, a.credentials, callOptionsFor(a, this.context));
      });
    } catch (err) {
      throw this.failed(step, started, err);
    }
    const latencyMs = Date.now() - started;
    this.deps.tracker.finished(served.target.id, latencyMs, 0, latencyMs);
    this.records.push({
      id: step.id,
      target: served.target,
      usage: { inputTokens: 0, outputTokens: 0, characters },
      outcome: { status: 'ok', latencyMs },
    });
    const mimeType = served.value.contentType.split(';')[0]!.trim() || 'audio/wav';
    return {
      id: step.id,
      target: served.target,
      data: Buffer.from(served.value.body).toString('base64'),
      format: AUDIO_FORMATS[mimeType] ?? mimeType.replace(/^audio\//, ''),
      mimeType,
      voice: step.voice,
      characters,
      latencyMs,
    };
  }

  /** The upstream body of a step: the caller's request, the step's messages and parameters over it. */
  private bodyFor(step: StepCall, target: ResolvedModel): Record<string, unknown> {
    const copy: Record<string, unknown> = {
      ...this.body,
      ...step.params,
      messages: step.messages,
      model: target.upstreamModel,
    };
    for (const field of OWN_FIELDS) delete copy[field];
    delete copy.stream_options;
    if (step.params.max_tokens !== undefined) delete copy.max_completion_tokens;
    for (const [key, value] of Object.entries(copy)) if (value === undefined) delete copy[key];
    return copy;
  }

  /** The step's context: the request's, with a signal that also fires at the step's deadline. */
  private deadline(step: StepCall): { context: CallContext; expired: () => boolean; dispose: () => void } {
    if (step.deadlineMs === undefined)
      return { context: this.context, expired: () => false, dispose: () => undefined };
    const controller = new CallAbort();
    let expired = false;
    const onAbort = () => controller.abort(this.context.signal.reason);
    if (this.context.signal.aborted) controller.abort(this.context.signal.reason);
    else this.context.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      expired = true;
      controller.abort();
    }, step.deadlineMs);
    return {
      context: { ...this.context, signal: controller },
      expired: () => expired,
      dispose: () => {
        clearTimeout(timer);
        this.context.signal.removeEventListener('abort', onAbort);
      },
    };
  }

  private usageOf(
    reported: ChatCompletion['usage'] | undefined,
    step: StepCall,
    produced: string,
  ): MeteredUsage {
    if (reported && typeof reported.prompt_tokens === 'number') {
      return {
        inputTokens: reported.prompt_tokens,
        outputTokens: reported.completion_tokens ?? 0,
        ...cacheUsageOf(reported),
      };
    }
    // No usage from the provider: the byte bounds (the charge is capped by the reservation).
    return {
      inputTokens: new PromptTokens(step.messages, step.params).forReservation,
      outputTokens: textTokenBound(produced),
    };
  }

  private failed(step: MediaStepCall, started: number, err: unknown): unknown {
    this.records.push({
      id: step.id,
      target: step.targets[0]!,
      usage: { inputTokens: 0, outputTokens: 0 },
      outcome: { status: 'error', latencyMs: Date.now() - started, errorClass: errorClassOf(err) },
      error: messageOf(err),
    });
    return err;
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Short names of the audio content types upstreams send. */
const AUDIO_FORMATS: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/ogg': 'opus',
  'audio/opus': 'opus',
  'audio/aac': 'aac',
  'audio/flac': 'flac',
  'audio/pcm': 'pcm',
};

function unsupported(target: ResolvedModel, what: string): ProviderError {
  return new ProviderError('bad_request', `${target.id} does not ${what}.`, {
    provider: target.provider.id,
    param: 'model',
  });
}

/** A message's function calls (a step offered tools). */
function toolCallsOf(message: ChatCompletion['choices'][number]['message'] | undefined): StepToolCall[] {
  return (message?.tool_calls ?? []).flatMap((c) =>
    c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments ?? '' }] : [],
  );
}

function tokens(usage: MeteredUsage): { inputTokens: number; outputTokens: number } {
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens };
}

function timeoutError(step: StepCall): ProviderError {
  return new ProviderError(
    'timeout',
    `The step '${step.id}' took longer than its budget of ${step.deadlineMs} ms.`,
    {
      provider: step.targets[0]?.provider.id ?? 'unknown',
    },
  );
}

function errorClassOf(err: unknown): string {
  return err instanceof ProviderError ? err.kind : 'failed';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
