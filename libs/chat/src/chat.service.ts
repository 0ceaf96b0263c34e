import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { ProviderError, type CallOptions, type ResolvedModel } from '@switchyard/providers';
import {
  type Attempt,
  FAILOVER_OBSERVER,
  PerformanceTracker,
  type FailoverObserver,
  TargetPlanner,
  UpstreamExecutor,
  callOptionsFor,
  type PlannedTarget,
  requestErrorFor,
  scopeFor,
  type CallContext,
  type UpstreamCallOptions,
} from '@switchyard/routing';
import {
  copyFields,
  AppConfig,
  CallAbort,
  formatCredits,
  InsufficientCreditsError,
  InvalidRequestError,
  UpstreamError,
} from '@switchyard/core';
import type { Request, Response } from 'express';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type {
  Completion,
  CompletionCreateParams,
  CompletionCreateParamsNonStreaming,
} from 'openai/resources/completions';
import { callContextFor } from './call-context.js';
import { CHAT_SCHEMA, COMPLETION_SCHEMA } from './chat.schema.js';
import {
  METERING,
  type Metering,
  type MeteringHandle,
  type MeteringRequest,
  type MeteredUsage,
} from './metering.js';
import { compileValidator } from './request-validation.js';
import {
  OPENAI_CHAT_OUTPUT,
  sendJson,
  withoutReasoning,
  type ChatOutput,
  type ChunkSink,
} from './chat-output.js';
import { SseWriter } from './sse-writer.js';
import { ContinuationFilter, continuationChunk, continuationMessages } from './stream-continuation.js';
import {
  chunkUsage,
  drainStream,
  midStreamEnvelope,
  relayStream,
  type RelayResult,
  type UsageLike,
} from './stream-relay.js';
import { PromptTokens, countTextTokens, textTokenBound } from './token-estimate.js';
import { cacheUsageOf, cacheWriteTtl } from './prompt-cache.js';
import { OrchestratedChat } from './orchestrated-chat.js';
import { ResponseCache } from './cache/response-cache.service.js';

type ChatBody = ChatCompletionCreateParams & { models?: string[]; route?: string; stream_failover?: boolean };
const validateChat = compileValidator<ChatBody>(CHAT_SCHEMA);
const validateCompletion = compileValidator<CompletionCreateParams>(COMPLETION_SCHEMA);

/** Switchyard's own request fields; never sent upstream. */
const OWN_FIELDS = ['models', 'route', 'plugins', 'stream_failover', 'search', 'include_reasoning'] as const;

function headersFor(target: PlannedTarget, cost?: string): Record<string, string> {
  const headers: Record<string, string> = {
    'x-switchyard-provider': target.provider.id,
    'x-switchyard-model': target.id,
  };
  if (target.route) headers['x-switchyard-route'] = target.route;
  if (cost !== undefined) headers['x-switchyard-cost'] = cost;
  return headers;
}

/** The upstream body's stream fields (a stream asks for its usage chunk). */
const NOT_STREAMED: Readonly<Record<string, unknown>> = Object.freeze({ stream: false });
const STREAM_WITH_USAGE: Readonly<Record<string, unknown>> = Object.freeze({
  stream: true,
  stream_options: Object.freeze({ include_usage: true }),
});

/**
 * What to charge: the provider's reported usage, else our own count (the tokenizer is loaded on
 * first need); if even that fails, the byte bounds, which the reservation caps.
 */
async function usageOf(
  reported: RelayResult['usage'] | ChatCompletion['usage'],
  promptTokens: PromptCount,
  text: string,
): Promise<MeteredUsage> {
  if (reported && typeof reported.prompt_tokens === 'number') {
    return {
      inputTokens: reported.prompt_tokens,
      outputTokens: reported.completion_tokens ?? 0,
      ...cacheUsageOf(reported),
    };
  }
  try {
    return { inputTokens: await promptTokens.exact(), outputTokens: await countTextTokens(text) };
  } catch {
    return { inputTokens: promptTokens.forReservation, outputTokens: textTokenBound(text) };
  }
}

/** A prompt's token bound (for the reservation) and its exact count (when needed). */
type PromptCount = Pick<PromptTokens, 'forReservation' | 'bounded' | 'exact'>;

/**
 * A dialect's own upstream call, for targets that speak the dialect natively (the Responses API on
 * OpenAI-format providers, see libs/responses). Only the upstream call and the reading of its
 * answer differ: planning, reservation, key and target failover, settlement, usage records and the
 * activity log stay this one path. The answer (with `model` set to the served model and `cost` in
 * its usage) and the stream (each upstream event, then the held-back final one with the internal
 * `usage` and `cost`) go to the call's {@link ChatOutput} as they are. Its members are called
 * as plain functions (without `this`).
 */
export interface NativeCall<A extends { model: string } = { model: string }, E extends object = object> {
  /**
   * Whether to call natively, once the targets are planned (`cached`: the call uses the response
   * cache, which holds internal answers). May throw: a 400 for what only the native call carries.
   */
  accepts(targets: readonly PlannedTarget[], cached: boolean): boolean;
  /** The whole answer from one attempt's target. */
  call(a: Attempt, opts: CallOptions): Promise<A>;
  /** The streamed answer from one attempt's target, event for event. */
  open(a: Attempt, opts: CallOptions): AsyncIterable<E>;
  /** The generated text of an answer or an event (counted when no usage is reported). */
  textOf(value: A | E): string;
  /** The usage an answer or an event reports, in the internal shape (undefined: none). */
  usageOf(value: A | E): UsageLike | null | undefined;
}

/**
 * POST /v1/chat/completions and /v1/completions: validate, plan targets, reserve credits, call
 * upstream with failover, relay (or return) the answer in OpenAI's exact shape, settle.
 */
@Injectable()
export class ChatService {
  private readonly preparers: ChatPreparer[] = [];
  /** Every upstream call's stall limit (STREAM_STALL_TIMEOUT_MS). */
  private readonly limits: { stallTimeoutMs: number };

  constructor(
    private readonly planner: TargetPlanner,
    private readonly executor: UpstreamExecutor,
    private readonly tracker: PerformanceTracker,
    @Inject(METERING) private readonly metering: Metering,
    @Optional() @Inject(FAILOVER_OBSERVER) private readonly observer: FailoverObserver | null,
    config: AppConfig,
    @Optional() @Inject(OrchestratedChat) private readonly orchestrated: OrchestratedChat | null = null,
    @Optional() @Inject(ResponseCache) private readonly cache: ResponseCache | null = null,
  ) {
    this.limits = { stallTimeoutMs: config.routing.streamStallTimeoutMs };
  }

  /**
   * Whether a chat body is served by orchestration (`auto`, an orchestrated route, web search):
   * several upstream calls, so a dialect's native pass-through cannot apply.
   */
  isOrchestrated(body: { model?: unknown; models?: unknown; route?: unknown }, caller: Caller): boolean {
    return this.orchestrated?.handles(body, caller) ?? false;
  }

  /**
   * Adds a step that may rewrite a chat request's raw body before it is validated (the files
   * lib inlines attached files and bridges images for text-only models). A direct call rather
   * than a Nest interceptor: an interceptor wraps every route in an rxjs pipeline.
   */
  usePreparer(prepare: ChatPreparer, options: { first?: boolean } = {}): void {
    if (options.first) this.preparers.unshift(prepare);
    else this.preparers.push(prepare);
  }

  /**
   * A chat call. `raw` is a Chat Completions body: the internal request model. Other dialects
   * (Responses, Messages) map their request onto it and pass their `output`, which presents the
   * answer (internal `chat.completion` and chunk shapes) in their own dialect; everything between
   * is this one path.
   */
  async chat(
    caller: Caller,
    raw: unknown,
    req: Request,
    res: Response,
    output: ChatOutput = OPENAI_CHAT_OUTPUT,
    dialect?: NativeCall,
  ): Promise<void> {
    for (const prepare of this.preparers) await prepare(caller, raw, req, res);
    const body = validateChat(raw);
    const context = callContextFor(caller, req, res);
    // --- orchestration: `model: "auto"` and mix/vote/chain routes are planned and run by libs/orchestration (see orchestrated-chat.ts).
    if (this.orchestrated?.handles(body, caller))
      return this.orchestrated.chat(caller, body, context, res, output);
    // --- end orchestration
    // A provider's own reasoning is relayed as `reasoning_content`, unless the caller turns it off.
    const includeReasoning = (body as { include_reasoning?: unknown }).include_reasoning;
    if (includeReasoning !== undefined && typeof includeReasoning !== 'boolean')
      throw new InvalidRequestError('include_reasoning must be true or false.', {
        param: 'include_reasoning',
      });
    if (includeReasoning === false) output = withoutReasoning(output);
    // `route` names a route outright; `model` may name one too.
    const names = body.route ? [body.route] : (body.models ?? [body.model]);
    const targets = this.planner.plan(caller, names, { operation: 'chat', body }, scopeFor(caller, context));
    // --- response cache (docs/cache.md): a hit is served here; a miss is stored as it goes out.
    let cache = await this.cache?.open(caller, req, body, targets);
    const native = dialect?.accepts(targets, cache !== undefined) ? dialect : undefined;
    if (native) cache = undefined;
    if (cache?.hit) return cache.serve(res, output, this.metering, context.requestId);
    if (cache) output = cache.storing(output);
    // --- end response cache
    const promptTokens = new PromptTokens(body.messages, body);
    const started = Date.now();
    const meter = this.hold(
      {
        caller,
        requestId: context.requestId,
        endpoint: 'chat.completions',
        targets,
        maxOutputTokens: (body.max_completion_tokens ?? body.max_tokens ?? undefined) || undefined,
        choices: body.n ?? 1,
        cacheWrite: cacheWriteTtl(body.messages),
        paidBeforeAnswer: !body.stream,
      },
      promptTokens,
    );
    const upstream = (target: PlannedTarget, stream: Record<string, unknown>) => {
      // A route's per-target parameters win over the caller's. copyFields, not a leading spread
      // with fields after it: that makes a fresh hidden class per call on Node 20 (decision 0032).
      const copy = copyFields(body, target.overrides, stream);
      copy['model'] = target.upstreamModel;
      for (const field of OWN_FIELDS) delete copy[field];
      return copy;
    };
    if (native) {
      if (body.stream) {
        const sink = output.stream(res);
        return this.stream(
          context,
          targets,
          meter,
          sink,
          started,
          promptTokens,
          true,
          native.open,
          native.textOf,
          undefined,
          native.usageOf,
        );
      }
      const send = (answer: object, headers: Record<string, string>) => output.json(res, answer, headers);
      return this.once(
        context,
        targets,
        meter,
        send,
        started,
        promptTokens,
        native.call,
        native.textOf,
        native.usageOf,
      );
    }
    if (body.stream) {
      // A stream being cached needs its usage chunk (the cache's sink drops it if not asked for).
      const wantsUsage = body.stream_options?.include_usage === true || cache !== undefined;
      let toolCallSeen = false;
      const continuation: Continuation = {
        // Routes continue by default, plain models when asked; never a tool call in flight or n > 1.
        allowed: (target, delivered) =>
          !toolCallSeen &&
          (body.n ?? 1) === 1 &&
          delivered.length > 0 &&
          (body.stream_failover ?? target.streamFailover ?? false),
        open: (delivered) => (a, opts) =>
          a.adapter.chatStream(
            Object.assign(upstream(a.target, STREAM_WITH_USAGE), {
              messages: continuationMessages(body.messages, delivered),
            }) as unknown as ChatCompletionCreateParamsStreaming,
            a.credentials,
            opts,
          ),
        request: {
          caller,
          requestId: context.requestId,
          endpoint: 'chat.completions',
          maxOutputTokens: (body.max_completion_tokens ?? body.max_tokens ?? undefined) || undefined,
          choices: 1,
        },
        promptTokens: promptTokens.forReservation,
      };
      await this.stream<ChatCompletionChunk>(
        context,
        targets,
        meter,
        output.stream(res),
        started,
        promptTokens,
        wantsUsage,
        (a, opts) =>
          a.adapter.chatStream(
            upstream(a.target, STREAM_WITH_USAGE) as unknown as ChatCompletionCreateParamsStreaming,
            a.credentials,
            opts,
          ),
        (chunk) =>
          chunk.choices
            .map((c) => {
              if (c.delta?.tool_calls?.length) toolCallSeen = true;
              return (
                (c.delta?.content ?? '') +
                (c.delta?.tool_calls?.map((t) => t.function?.arguments ?? '').join('') ?? '')
              );
            })
            .join(''),
        continuation,
      );
      return;
    }
    await this.once(
      context,
      targets,
      meter,
      (answer, headers) => output.json(res, answer, headers),
      started,
      promptTokens,
      (a, opts) =>
        a.adapter.chat(
          upstream(a.target, NOT_STREAMED) as unknown as ChatCompletionCreateParamsNonStreaming,
          a.credentials,
          opts,
        ),
      (completion: ChatCompletion) => completion.choices.map((c) => c.message?.content ?? '').join(''),
    );
  }

  async completion(caller: Caller, raw: unknown, req: Request, res: Response): Promise<void> {
    const body = validateCompletion(raw);
    const context = callContextFor(caller, req, res);
    const targets = this.planner.plan(
      caller,
      [body.model],
      { operation: 'completions', body },
      scopeFor(caller, context),
    );
    const prompts = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
    const promptBound = prompts.reduce<number>(
      (n, p) => n + (typeof p === 'string' ? textTokenBound(p) : Array.isArray(p) ? p.length : 1),
      0,
    );
    let counted: Promise<number> | undefined;
    const promptTokens: PromptCount = {
      forReservation: promptBound,
      bounded: true,
      exact: () =>
        (counted ??= Promise.all(
          prompts.map((p) =>
            typeof p === 'string' ? countTextTokens(p) : Promise.resolve(Array.isArray(p) ? p.length : 1),
          ),
        ).then((counts) => counts.reduce((a, b) => a + b, 0))),
    };
    const started = Date.now();
    const meter = this.hold(
      {
        caller,
        requestId: context.requestId,
        endpoint: 'completions',
        targets,
        maxOutputTokens: body.max_tokens ?? 16,
        choices: Math.max(body.n ?? 1, typeof body.best_of === 'number' ? body.best_of : 1),
        paidBeforeAnswer: !body.stream,
      },
      promptTokens,
    );
    const notSupported = (target: ResolvedModel) =>
      requestErrorFor(
        new ProviderError('bad_request', `${target.id} does not support text completions.`, {
          provider: target.provider.id,
          param: 'model',
        }),
      );
    if (body.stream) {
      const wantsUsage = body.stream_options?.include_usage === true;
      await this.stream<Completion>(
        context,
        targets,
        meter,
        new SseWriter(res),
        started,
        promptTokens,
        wantsUsage,
        (a, opts) => {
          if (!a.adapter.completionStream) throw notSupported(a.target);
          return a.adapter.completionStream(
            { ...body, model: a.target.upstreamModel, stream: true, stream_options: { include_usage: true } },
            a.credentials,
            opts,
          );
        },
        (chunk) => chunk.choices.map((c) => c.text).join(''),
      );
      return;
    }
    await this.once(
      context,
      targets,
      meter,
      (answer, headers) => sendJson(res, answer, headers),
      started,
      promptTokens,
      (a, opts) => {
        if (!a.adapter.completion) throw notSupported(a.target);
        return a.adapter.completion(
          copyFields(
            body,
            { model: a.target.upstreamModel },
            NOT_STREAMED,
          ) as unknown as CompletionCreateParamsNonStreaming,
          a.credentials,
          opts,
        );
      },
      (completion: Completion) => completion.choices.map((c) => c.text).join(''),
    );
  }

  /**
   * A non-streaming call: one JSON answer, settled before it is sent. `usageIn` reads the usage the
   * answer reports (a Chat Completions `usage` unless told); the charge is added to `answer.usage`.
   */
  private async once<T extends { model: string }>(
    context: CallContext,
    targets: ResolvedModel[],
    meter: Hold,
    send: (answer: T, headers: Record<string, string>) => void,
    started: number,
    promptTokens: PromptCount,
    call: (a: Attempt, opts: UpstreamCallOptions) => Promise<T>,
    textOf: (value: T) => string,
    usageIn: (value: T) => UsageLike | null | undefined = chunkUsage,
  ): Promise<void> {
    let handle = meter.early ? undefined : await meter.handle;
    const upstream = meter.early ? cancellable(context, meter.handle) : context;
    let served;
    try {
      served = await this.executor.execute(targets, upstream, (a) =>
        call(a, callOptionsFor(a, upstream, this.limits)),
      );
    } catch (err) {
      // A refused reservation (402) is the answer, whatever it did to the upstream call.
      handle ??= await meter.handle;
      await handle.release(err instanceof ProviderError ? err.kind : 'failed');
      throw err;
    }
    // Paid for before it is seen: an early call's answer waits for its reservation.
    handle ??= await meter.handle;
    const answer = served.value;
    let usage: MeteredUsage;
    try {
      answer.model = served.target.id;
      usage = await usageOf(usageIn(answer) ?? undefined, promptTokens, textOf(answer));
    } catch {
      // An answer without the shape we relay (no choices...): nothing was delivered.
      await handle.release('bad_response');
      throw new UpstreamError(502, `${served.target.id} sent an answer that is not a valid completion.`);
    }
    const latencyMs = Date.now() - started;
    const cost = await handle.settle(served.target, usage, { status: 'ok', latencyMs });
    this.tracker.finished(served.target.id, latencyMs, usage.outputTokens, latencyMs);
    const withUsage = answer as T & { usage?: object | null };
    const reported = withUsage.usage ?? {
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
    };
    const charged = formatCredits(cost);
    withUsage.usage = copyFields(reported, { cost: charged });
    send(answer, headersFor(served.target, charged));
  }

  /**
   * A streaming call. Failover happens until the first chunk arrives; from then on the stream is
   * relayed as is. When it breaks after bytes went out and the call allows it (`continuation`),
   * the next target is asked to continue from the delivered text, inside the same client stream
   * (same id and model, no repeated text); each part is reserved and settled on its own, and the
   * usage event reports their sum. Settlement is committed before `[DONE]`.
   */
  private async stream<C extends object>(
    context: CallContext,
    targets: PlannedTarget[],
    meter: Hold,
    writer: ChunkSink,
    started: number,
    promptTokens: PromptCount,
    wantsUsage: boolean,
    open: (a: Attempt, opts: UpstreamCallOptions) => AsyncIterable<C>,
    textOf: (chunk: C) => string,
    continuation?: Continuation,
    usageIn: (chunk: C) => UsageLike | null | undefined = chunkUsage,
  ): Promise<void> {
    let handle = meter.early ? undefined : await meter.handle;
    const upstream = meter.early ? cancellable(context, meter.handle) : context;
    let served;
    try {
      served = await this.executor.execute(targets, upstream, async (a) => {
        const iterator = open(a, callOptionsFor(a, upstream, this.limits))[Symbol.asyncIterator]();
        return { iterator, first: await iterator.next() };
      });
    } catch (err) {
      handle ??= await meter.handle;
      await handle.release(err instanceof ProviderError ? err.kind : 'failed');
      throw err;
    }
    if (!handle) {
      // No byte reaches the client before the reservation holds.
      try {
        handle = await meter.handle;
      } catch (err) {
        await served.value.iterator.return?.();
        throw err;
      }
    }
    const ttftMs = Date.now() - started;
    writer.start(headersFor(served.target));
    const firstChunk = served.value.first.value as C & { id?: string; created?: number };
    const identity = {
      id: firstChunk?.id ?? `chatcmpl-${context.requestId}`,
      model: served.target.id,
      created: firstChunk?.created ?? Math.floor(started / 1000),
    };
    const busy = this.tracker.begin(served.target.id);
    let relayed = await relayStream(
      served.value.iterator,
      served.value.first,
      served.target,
      writer,
      textOf,
      usageIn,
    );
    busy();
    const usage = await usageOf(relayed.usage, promptTokens, relayed.text);
    if (!relayed.error)
      this.tracker.finished(served.target.id, Date.now() - started, usage.outputTokens, ttftMs);
    let aborted = context.signal.aborted;
    const outcome = (r: RelayResult): { status: 'ok' | 'error' | 'aborted'; errorClass?: string } => ({
      status: r.error ? (aborted ? 'aborted' : 'error') : aborted ? 'aborted' : 'ok',
      errorClass: r.error instanceof ProviderError ? r.error.kind : r.error ? 'failed' : undefined,
    });
    // What the client saw is paid for: settle before the final event.
    let cost = await handle.settle(
      served.target,
      usage,
      Object.assign(outcome(relayed), { latencyMs: Date.now() - started, ttftMs }),
    );
    if (relayed.pending) void drainStream(served.value.iterator);
    const total = { input: usage.inputTokens, output: usage.outputTokens };
    let delivered = relayed.text;
    let current: PlannedTarget = served.target;
    let usageChunk = relayed.usageChunk;
    // Mid-stream failover: each next target may finish what the previous one broke off.
    while (relayed.error && !aborted && continuation?.allowed(current, delivered)) {
      const next = await this.continueStream(
        context,
        targets,
        current,
        delivered,
        relayed.error,
        continuation,
        identity,
        writer,
        textOf,
      );
      if (!next) break;
      relayed = next.relayed;
      aborted = context.signal.aborted;
      cost += next.cost;
      total.input += next.usage.inputTokens;
      total.output += next.usage.outputTokens;
      delivered += relayed.text;
      current = next.target;
      usageChunk = relayed.usageChunk ?? usageChunk;
    }
    if (relayed.error && !aborted) {
      writer.fail(
        midStreamEnvelope(
          relayed.error instanceof ProviderError
            ? new UpstreamError(502, relayed.error.message)
            : relayed.error,
          context.requestId,
        ),
      );
      return;
    }
    let last: unknown;
    if (wantsUsage) {
      const base = usageChunk ?? { ...(served.value.first.value as C), choices: [], model: served.target.id };
      const reported = current === served.target ? (relayed.usage ?? {}) : {};
      last = {
        ...base,
        ...(current === served.target ? {} : identity),
        choices: [],
        usage: {
          prompt_tokens: total.input,
          completion_tokens: total.output,
          total_tokens: total.input + total.output,
          ...reported,
          cost: formatCredits(cost),
        },
      };
    }
    // The usage event and [DONE] in one write.
    writer.done(last);
  }

  /**
   * One continuation of a broken chat stream: reserve for it, open it on the targets after the
   * one that broke (with key and target failover until its first chunk), log the FAILOVER, relay
   * it under the client stream's identity, settle it. Undefined when nothing could continue (no
   * credit, no target): the caller then ends the stream with the original error.
   */
  private async continueStream<C>(
    context: CallContext,
    targets: PlannedTarget[],
    broken: PlannedTarget,
    delivered: string,
    error: unknown,
    continuation: Continuation,
    identity: { id: string; model: string; created: number },
    writer: ChunkSink,
    textOf: (chunk: C) => string,
  ): Promise<{ relayed: RelayResult; usage: MeteredUsage; cost: bigint; target: PlannedTarget } | undefined> {
    const remaining = targets.slice(targets.findIndex((t) => t.id === broken.id) + 1);
    if (remaining.length === 0) return undefined;
    const started = Date.now();
    const promptBound = continuation.promptTokens + textTokenBound(delivered);
    let handle: MeteringHandle;
    try {
      handle = await this.metering.reserve({
        ...continuation.request,
        targets: remaining,
        promptTokens: promptBound,
      });
    } catch {
      return undefined;
    }
    const filter = new ContinuationFilter(delivered);
    let served;
    try {
      served = await this.executor.execute(remaining, context, async (a) => {
        const source = continuation.open(delivered)(a, callOptionsFor(a, context, this.limits));
        const iterator = mapChunks(source, (chunk) => continuationChunk(chunk, identity, filter));
        return { iterator, first: await iterator.next() };
      });
    } catch (err) {
      await handle.release(err instanceof ProviderError ? err.kind : 'failed');
      return undefined;
    }
    this.observer?.modelFailover(broken.id, served.target.id, `mid-stream: ${errorKind(error)}`, context, {
      mid_stream: true,
      delivered_chars: delivered.length,
    });
    const busy = this.tracker.begin(served.target.id);
    const relayed = await relayStream(
      served.value.iterator,
      served.value.first,
      { ...served.target, id: identity.model },
      writer,
      textOf as (chunk: ChatCompletionChunk) => string,
    );
    busy();
    const usage = await usageOf(
      relayed.usage,
      { forReservation: promptBound, bounded: true, exact: async () => promptBound },
      relayed.text,
    );
    const aborted = context.signal.aborted;
    const cost = await handle.settle(served.target, usage, {
      status: relayed.error ? (aborted ? 'aborted' : 'error') : aborted ? 'aborted' : 'ok',
      latencyMs: Date.now() - started,
      errorClass:
        relayed.error instanceof ProviderError ? relayed.error.kind : relayed.error ? 'failed' : undefined,
    });
    if (relayed.pending) void drainStream(served.value.iterator);
    return { relayed, usage, cost, target: served.target };
  }

  /**
   * Starts the call's reservation. A long prompt reserves on its byte-size bound, and only if
   * that is refused is it counted exactly and reserved again.
   */
  private hold(request: Omit<MeteringRequest, 'promptTokens'>, tokens: PromptCount): Hold {
    const first = this.metering.begin(Object.assign({}, request, { promptTokens: tokens.forReservation }));
    const handle = first.handle.catch((err: unknown) => {
      if (!(err instanceof InsufficientCreditsError) || !tokens.bounded) throw err;
      return tokens
        .exact()
        .then((exact) => this.metering.reserve(Object.assign({}, request, { promptTokens: exact })));
    });
    return { handle, early: first.early };
  }
}

/** How a broken chat stream may be continued on the next target (see `ChatService.stream`). */
interface Continuation {
  /** Whether a stream that broke on `target` after `delivered` may be continued. */
  allowed(target: PlannedTarget, delivered: string): boolean;
  /** Opens the continuation of `delivered` on one attempt's target. */
  open(
    delivered: string,
  ): (
    a: Parameters<Parameters<UpstreamExecutor['execute']>[2]>[0],
    opts: UpstreamCallOptions,
  ) => AsyncIterable<ChatCompletionChunk>;
  /** The metering request of the call, for the continuation's own reservation. */
  request: Omit<MeteringRequest, 'targets' | 'promptTokens'>;
  /** The original prompt's token bound. */
  promptTokens: number;
}

/** A stream's chunks through `map`; a chunk mapped to null is skipped. */
async function* mapChunks<T>(source: AsyncIterable<T>, map: (chunk: T) => T | null): AsyncGenerator<T> {
  for await (const chunk of source) {
    const out = map(chunk);
    if (out) yield out;
  }
}

function errorKind(error: unknown): string {
  return error instanceof ProviderError ? error.kind : 'failed';
}

/** Rewrites a raw chat body in place before validation (see `ChatService.usePreparer`). */
export type ChatPreparer = (caller: Caller, body: unknown, req: Request, res: Response) => Promise<void>;

/** A reservation under way; when `early`, the upstream call starts before it commits. */
interface Hold {
  handle: Promise<MeteringHandle>;
  early: boolean;
}

/** The call's context with a signal that also fires when its reservation is refused. */
function cancellable(context: CallContext, reservation: Promise<unknown>): CallContext {
  // One source fed by both (AbortSignal.any costs several times more on Node 20).
  const both = new CallAbort();
  const onClient = () => both.abort(context.signal.reason);
  if (context.signal.aborted) both.abort(context.signal.reason);
  else context.signal.addEventListener('abort', onClient, { once: true });
  reservation.catch(() => both.abort());
  return Object.assign({}, context, { signal: both });
}
