import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import {
  abortSignalOf,
  AppConfig,
  formatCredits,
  InsufficientCreditsError,
  parseCredits,
  UpstreamError,
} from '@switchyard/core';
import {
  Orchestrator,
  explainDecision,
  type AnswerSink,
  type ClassifierCall,
  type Decision,
  type OrchestratedBody,
  type Plan,
  type RunOutcome,
  type SearchSession,
  type StepCall,
  type StepResult,
  type StepRunners,
} from '@switchyard/orchestration';
import { ProviderError, type ResolvedModel } from '@switchyard/providers';
import { PerformanceTracker, UpstreamExecutor, scopeFor, type CallContext } from '@switchyard/routing';
import type { Response } from 'express';
import {
  METERING,
  type Metering,
  type MeteredFee,
  type MeteringHandle,
  type MeteringRequest,
} from './metering.js';
import { OPENAI_CHAT_OUTPUT, type ChatOutput } from './chat-output.js';
import { midStreamEnvelope } from './stream-relay.js';
import { OrchestrationStepRunner, type StepRecord } from './orchestration-step-runner.js';
import { PromptTokens } from './token-estimate.js';

const ENDPOINT = 'chat.completions';

/** A step's line in the answer's `switchyard.steps`. */
interface StepReport {
  id: string;
  role: string;
  model: string;
  status: 'ok' | 'error';
  latency_ms: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost: string;
  error?: string;
}

/**
 * `model: "auto"` on /v1/chat/completions: the orchestrator classifies and plans; this class pays
 * and answers. The whole plan's worst case is reserved once before any call (a cheaper plan is
 * tried when it does not fit, else 402); each step runs through an {@link OrchestrationStepRunner}
 * bound to the request; all steps are settled in one ledger settlement with a usage record each;
 * the answer carries `moe_metadata` and the `switchyard` explanation. Also the chat lib's side
 * of the orchestration port for the explain endpoint (a standalone metered step).
 */
@Injectable()
export class OrchestratedChat implements StepRunners {
  private readonly stallTimeoutMs: number;

  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly executor: UpstreamExecutor,
    private readonly tracker: PerformanceTracker,
    @Inject(METERING) private readonly metering: Metering,
    config: AppConfig,
  ) {
    this.stallTimeoutMs = config.routing.streamStallTimeoutMs;
  }

  handles(body: { model?: unknown; models?: unknown; route?: unknown }, caller?: Caller): boolean {
    return this.orchestrator.handles(body, caller);
  }

  /** A step metered on its own (the explain endpoint's LLM classifier). */
  standalone(caller: Caller, requestId: string, signal: AbortSignal): ClassifierCall {
    const context: CallContext = {
      requestId,
      tenantId: caller.tenantId,
      userId: caller.userId,
      apiKeyId: caller.apiKey?.id,
      signal,
    };
    return async (step) => (await this.meteredStep(caller, context, step, 'orchestration.explain')).result;
  }

  async chat(
    caller: Caller,
    body: OrchestratedBody,
    context: CallContext,
    res: Response,
    output: ChatOutput = OPENAI_CHAT_OUTPUT,
  ): Promise<void> {
    const started = Date.now();
    const reports: StepReport[] = [];
    let classifierCost = 0n;
    const classify: ClassifierCall = async (step) => {
      try {
        const { result, cost } = await this.meteredStep(caller, context, step, ENDPOINT);
        classifierCost += cost;
        reports.push(report('classifier', result, cost));
        return result;
      } catch (err) {
        reports.push(failedReport(step.id, 'classifier', step.targets[0]!, err));
        throw err;
      }
    };
    const decision = await this.orchestrator.decide(caller, body, scopeFor(caller, context), classify);
    const promptTokens = new PromptTokens(body.messages, body).forReservation;
    const { plan, handle } = await this.reserve(caller, context, decision, promptTokens);
    const runner = new OrchestrationStepRunner(
      { executor: this.executor, tracker: this.tracker, stallTimeoutMs: this.stallTimeoutMs },
      body as unknown as Record<string, unknown>,
      context,
    );
    const answerModel = plan.steps.at(-1)!.targets[0]!;
    const identity = {
      id: `chatcmpl-${context.requestId || started.toString(36)}`,
      created: Math.floor(started / 1000),
      model: answerModel.id,
    };
    const headers: Record<string, string> = {
      'x-switchyard-provider': answerModel.provider.id,
      'x-switchyard-model': answerModel.id,
      'x-switchyard-strategy': plan.strategy,
      ...(decision.route ? { 'x-switchyard-route': decision.route } : {}),
    };
    // Web search: the request's searches, each a line of the settlement (decision 0022).
    const search =
      plan.strategy === 'search'
        ? this.orchestrator.search.session(abortSignalOf(context.signal))
        : undefined;
    const includeReasoning = body.include_reasoning !== false;
    const stream = body.stream === true;
    const writer = stream ? output.stream(res) : undefined;
    const buffer = { content: '', reasoning: '' };
    let roleSent = false;
    const send = async (delta: Record<string, unknown>) => {
      writer!.start(headers);
      const first = roleSent ? {} : { role: 'assistant' };
      roleSent = true;
      await writer!.send({
        ...identity,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { ...first, ...delta }, logprobs: null, finish_reason: null }],
      });
    };
    const sink: AnswerSink = stream
      ? {
          reasoning: (text) => send({ content: null, reasoning_content: text }),
          content: (text) => send({ content: text }),
        }
      : {
          reasoning: async (text) => void (buffer.reasoning += text),
          content: async (text) => void (buffer.content += text),
        };
    let outcome: RunOutcome | undefined;
    let failure: unknown;
    try {
      outcome = await this.orchestrator.run(plan, {
        messages: body.messages,
        params: { ...decision.params },
        runner,
        sink,
        includeReasoning,
        stream,
        ...(search ? { search } : {}),
      });
    } catch (err) {
      failure = err;
    }
    // What ran is paid for, whatever happened after it; nothing more.
    const fees = feesOf(search);
    const { total, costs, feeCosts } = await settle(handle, runner.records, failure, fees);
    runner.records.forEach((r, i) => reports.push(recordReport(r, plan, costs[i] ?? 0n)));
    search?.records.forEach((s, i) =>
      reports.push({
        id: s.id,
        role: 'search',
        model: fees[i]!.model,
        status: s.status,
        latency_ms: s.latencyMs,
        prompt_tokens: 0,
        completion_tokens: 0,
        cost: formatCredits(feeCosts[i] ?? 0n),
        ...(s.error ? { error: s.error } : {}),
      }),
    );
    const cost = classifierCost + total;
    if (failure !== undefined) {
      // Before the first byte the error is the answer; after it, the stream ends with its event.
      if (!writer || !roleSent) throw asError(failure);
      const shown = failure instanceof ProviderError ? new UpstreamError(502, failure.message) : failure;
      writer.fail(midStreamEnvelope(shown, context.requestId));
      return;
    }
    // Multimodal: the picture and the narration, top-level fields beside `choices` (MoE's shape).
    const images = (outcome?.images ?? []).map((i) => ({
      data: i.data,
      description: i.description,
      format: i.format,
      mime_type: 'image/png',
      model: i.target.id,
    }));
    const audio = (outcome?.audio ?? []).map((a) => ({
      data: a.data,
      format: a.format,
      mime_type: a.mimeType,
      voice: a.voice,
      model: a.target.id,
    }));
    const media = {
      ...(images.length ? { images } : {}),
      ...(audio.length ? { audio } : {}),
    };
    const usage = {
      prompt_tokens: sum(reports, 'prompt_tokens'),
      completion_tokens: sum(reports, 'completion_tokens'),
      total_tokens: sum(reports, 'prompt_tokens') + sum(reports, 'completion_tokens'),
      cost: formatCredits(cost),
    };
    const explanation = {
      moe_metadata: {
        models_used: [...new Set(reports.filter((r) => r.status === 'ok').map((r) => r.model))],
        strategy: plan.strategy,
        total_latency: Math.round(Date.now() - started) / 1000,
        modalities: { text: true, images: images.length, audio: audio.length },
      },
      switchyard: {
        ...explainDecision({ ...decision, plan }),
        steps: reports,
        ...(outcome?.decision ? { decision: outcome.decision } : {}),
        ...(outcome?.failures.length ? { failures: outcome.failures } : {}),
        ...(plan.search ? { search: searchReport(plan, search, feeCosts) } : {}),
        ...(plan.media ? { media: mediaReport(plan, outcome) } : {}),
      },
    };
    const annotations = plan.search ? (outcome?.annotations ?? []) : undefined;
    if (writer) {
      if (!roleSent) await send({ content: '' });
      // Citations come in a delta of their own before the finish chunk (OpenAI's stream shape).
      if (annotations?.length) await send({ annotations });
      await writer.send({
        ...identity,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      });
      // The images and audio, the usage, the cost and the explanation in the last chunk, with
      // [DONE] in the same write.
      writer.done({
        ...identity,
        object: 'chat.completion.chunk',
        choices: [],
        ...media,
        usage,
        ...explanation,
      });
      return;
    }
    const answer = {
      ...identity,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: buffer.content,
            ...(includeReasoning && buffer.reasoning ? { reasoning_content: buffer.reasoning } : {}),
            refusal: null,
            ...(annotations ? { annotations } : {}),
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      ...media,
      usage,
      ...explanation,
    };
    output.json(res, answer, { ...headers, 'x-switchyard-cost': usage.cost });
  }

  /**
   * One reservation for the whole plan; when the balance is short, each cheaper plan in turn
   * (fewer voters, one model, the simple tier); the first refusal is the answer when none fits.
   */
  private async reserve(
    caller: Caller,
    context: CallContext,
    decision: Decision,
    promptTokens: number,
  ): Promise<{ plan: Plan; handle: MeteringHandle }> {
    let refused: unknown;
    for (const plan of [decision.plan, ...this.orchestrator.cheaperPlans(decision)]) {
      try {
        return {
          plan,
          handle: await this.metering.reserve(this.requestFor(caller, context, plan, promptTokens)),
        };
      } catch (err) {
        if (!(err instanceof InsufficientCreditsError)) throw err;
        refused ??= err;
      }
    }
    throw refused;
  }

  private requestFor(
    caller: Caller,
    context: CallContext,
    plan: Plan,
    promptTokens: number,
  ): MeteringRequest {
    const bounds = this.orchestrator.stepBounds(plan, promptTokens);
    const fees = plan.search ? BigInt(plan.search.max_searches) * parseCredits(plan.search.price) : 0n;
    return {
      ...(fees > 0n ? { fees } : {}),
      caller,
      requestId: context.requestId,
      endpoint: ENDPOINT,
      targets: plan.steps.flatMap((s) => s.targets),
      promptTokens,
      steps: bounds,
    };
  }

  /** One step on its own reservation (the classifier): reserved, run, settled. */
  private async meteredStep(
    caller: Caller,
    context: CallContext,
    step: StepCall,
    endpoint: string,
  ): Promise<{ result: StepResult; cost: bigint }> {
    const maxTokens = typeof step.params.max_tokens === 'number' ? step.params.max_tokens : undefined;
    const promptTokens = new PromptTokens(step.messages, step.params).forReservation;
    const handle = await this.metering.reserve({
      caller,
      requestId: context.requestId,
      endpoint,
      targets: step.targets,
      promptTokens,
      maxOutputTokens: maxTokens,
      steps: [{ targets: step.targets, promptTokens, maxOutputTokens: maxTokens }],
    });
    // The step alone: none of the caller's fields (stop, tools...) reach the classifier.
    const runner = new OrchestrationStepRunner(
      { executor: this.executor, tracker: this.tracker, stallTimeoutMs: this.stallTimeoutMs },
      {},
      context,
    );
    let failure: unknown;
    let result: StepResult | undefined;
    try {
      result = await runner.call(step);
    } catch (err) {
      failure = err;
    }
    const { total } = await settle(handle, runner.records, failure, []);
    if (!result) throw asError(failure);
    return { result, cost: total };
  }
}

/**
 * Settles the steps that used anything and the searches that ran in one settlement; releases
 * when nothing did.
 */
async function settle(
  handle: MeteringHandle,
  records: readonly StepRecord[],
  failure: unknown,
  fees: readonly MeteredFee[],
): Promise<{ total: bigint; costs: bigint[]; feeCosts: bigint[] }> {
  if (
    !records.some(
      (r) =>
        r.usage.inputTokens + r.usage.outputTokens + (r.usage.images ?? 0) + (r.usage.characters ?? 0) > 0,
    ) &&
    !fees.some((f) => f.amount > 0n)
  ) {
    await handle.release(failure instanceof ProviderError ? failure.kind : failure ? 'failed' : undefined);
    return { total: 0n, costs: records.map(() => 0n), feeCosts: fees.map(() => 0n) };
  }
  return handle.settleSteps(records, fees);
}

/** The searches of a request as flat-priced lines: a failed one costs nothing. */
function feesOf(search: SearchSession | undefined): MeteredFee[] {
  return (search?.records ?? []).map((s) => ({
    provider: s.provider,
    model: `${s.provider}/web-search`,
    amount: s.cost,
    outcome: {
      status: s.status,
      latencyMs: s.latencyMs,
      ...(s.errorClass ? { errorClass: s.errorClass } : {}),
    },
  }));
}

/** `switchyard.search`: how the web was searched, what each search found and cost, and the sources. */
function searchReport(plan: Plan, search: SearchSession | undefined, feeCosts: readonly bigint[]) {
  const records = search?.records ?? [];
  const failed = records.filter((s) => s.status === 'error');
  const note = !search
    ? 'web search is off: answered without sources'
    : records.length === 0
      ? 'the model did not search'
      : failed.length === records.length
        ? `the search failed (${failed[0]!.error}): answered without sources, not charged`
        : failed.length > 0
          ? `${failed.length} of ${records.length} searches failed (not charged)`
          : undefined;
  return {
    ...plan.search!,
    searches: records.map((s, i) => ({
      id: s.id,
      query: s.query,
      status: s.status,
      results: s.results,
      latency_ms: s.latencyMs,
      cost: formatCredits(feeCosts[i] ?? 0n),
      ...(s.error ? { error: s.error } : {}),
    })),
    sources: (search?.sources ?? []).map((s) => ({ index: s.index, url: s.url, title: s.title })),
    ...(note ? { note } : {}),
  };
}

/** `switchyard.media`: what the image and speech steps produced, or why a modality is missing. */
function mediaReport(plan: Plan, outcome: RunOutcome | undefined) {
  const steps = plan.media ?? [];
  const failed = (outcome?.failures ?? []).filter((f) => steps.some((s) => s.id === f.id));
  return {
    images: outcome?.images?.length ?? 0,
    audio: outcome?.audio?.length ?? 0,
    ...(failed.length
      ? {
          note: failed
            .map((f) => `the ${f.id} step failed (${f.error}): answered without it, not charged`)
            .join('; '),
        }
      : {}),
  };
}

function report(role: string, result: StepResult, cost: bigint): StepReport {
  return {
    id: result.id,
    role,
    model: result.target.id,
    status: 'ok',
    latency_ms: result.latencyMs,
    prompt_tokens: result.inputTokens,
    completion_tokens: result.outputTokens,
    cost: formatCredits(cost),
  };
}

function failedReport(id: string, role: string, target: ResolvedModel, err: unknown): StepReport {
  return {
    id,
    role,
    model: target.id,
    status: 'error',
    latency_ms: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    cost: '0',
    error: err instanceof Error ? err.message : String(err),
  };
}

function recordReport(record: StepRecord, plan: Plan, cost: bigint): StepReport {
  return {
    id: record.id,
    role: [...plan.steps, ...(plan.media ?? [])].find((s) => s.id === record.id)?.role ?? 'step',
    model: record.target.id,
    status: record.outcome.status === 'ok' ? 'ok' : 'error',
    latency_ms: record.outcome.latencyMs,
    prompt_tokens: record.usage.inputTokens,
    completion_tokens: record.usage.outputTokens,
    cost: formatCredits(cost),
    ...(record.error ? { error: record.error } : {}),
  };
}

function sum(reports: readonly StepReport[], field: 'prompt_tokens' | 'completion_tokens'): number {
  return reports.reduce((n, r) => n + r[field], 0);
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
