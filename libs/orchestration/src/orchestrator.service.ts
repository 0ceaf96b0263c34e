import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { AppConfig, InvalidRequestError, PermissionDeniedError } from '@switchyard/core';
import { ModelResolver, type KeyScope, type ResolvedModel } from '@switchyard/providers';
import {
  PerformanceTracker,
  RouteRegistry,
  TargetPlanner,
  isOrchestrationStrategy,
  modelAllowed,
  scopeFor,
  type RouteDefinition,
} from '@switchyard/routing';
import type {
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { Classification, ClassifierInput } from './classification/classification.types.js';
import { classifyWithModel, type ClassifierCall } from './classification/llm-classifier.js';
import { classifyByRules } from './classification/rules-classifier.js';
import { ModelSelector, type SelectionContext } from './planning/model-selector.js';
import { PolicyService, type PolicySource } from './policy/policy.service.js';
import type { OrchestrationPolicy, ParameterPreset, StrategyName } from './policy/policy.types.js';
import type { StepRunners } from './step-runners.js';
import { ChainStrategy } from './strategies/chain.strategy.js';
import { MixStrategy } from './strategies/mix.strategy.js';
import { SingleStrategy } from './strategies/single.strategy.js';
import {
  candidatesFor,
  lastUserText,
  type OrchestrationStrategy,
  type Plan,
  type PlannedStep,
  type PlanStrategy,
  type RunInput,
  type RunOutcome,
} from './strategies/strategy.js';
import { VoteStrategy } from './strategies/vote.strategy.js';
import { SearchStrategy } from './strategies/search.strategy.js';
import { SPEECH_MAX_CHARS, mediaSteps, runWithMedia } from './strategies/multimodal.js';
import { WEB_SEARCH_TOOL } from './search/search.prompts.js';
import {
  asksForSearch,
  searchRequestOf,
  withoutOnline,
  type SearchRequest,
} from './search/search-request.js';
import { WebSearch } from './search/web-search.service.js';
import type { StepResult } from './step-runner.port.js';

/** The model name that asks for orchestration. */
export const AUTO_MODEL = 'auto';

const PRESET_FIELDS = ['temperature', 'top_p', 'frequency_penalty', 'presence_penalty'] as const;

/** A chat body as far as orchestration reads it. */
export type OrchestratedBody = ChatCompletionCreateParams & {
  include_reasoning?: unknown;
  models?: unknown;
  route?: unknown;
  plugins?: unknown;
  search?: unknown;
};

/** Everything decided for one request before anything but the classifier runs: plain data. */
export interface Decision {
  classification: Classification;
  plan: Plan;
  /** Sampling parameters the policy set (the caller set none of these). */
  params: ParameterPreset;
  policy: PolicySource;
  /** The LLM classifier's call, when one ran (already metered on its own). */
  classifierStep?: StepResult;
  /** The named route whose strategy this is (mix, vote or chain), when the caller named one. */
  route?: string;
  /** Kept for cheaper plans (fewer voters, the simple tier). */
  context: { policy: OrchestrationPolicy; selection: SelectionContext; maxTokens?: number };
}

/** A step's worst case, for the one reservation of the whole plan. */
export interface StepBound {
  id: string;
  targets: readonly ResolvedModel[];
  promptTokens: number;
  /** undefined: the model's maximum output. */
  maxOutputTokens?: number;
  /** A media step: images it may produce, characters it may read. */
  images?: number;
  characters?: number;
}

/** The text the classifier reads: the last user message's text parts. */
export function classifierInputOf(body: OrchestratedBody): ClassifierInput {
  const messages = body.messages;
  const text = lastUserText(messages);
  const hasImages = messages.some(
    (m) => m.role === 'user' && Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url'),
  );
  return { text, hasImages, hasTools: (body.tools?.length ?? 0) > 0 || (body.functions?.length ?? 0) > 0 };
}

/**
 * `auto`: classifies a chat request (rules, or the LLM classifier with the rules as fallback),
 * plans it from the policy (a strategy and a model per step, each with the reason it was
 * chosen), and runs the plan through a step runner the chat lib provides.
 */
@Injectable()
export class Orchestrator {
  private readonly selector: ModelSelector;
  private readonly searchStrategy = new SearchStrategy();
  private readonly strategies: Record<PlanStrategy, OrchestrationStrategy> = {
    single: new SingleStrategy(),
    mix: new MixStrategy(),
    vote: new VoteStrategy(),
    chain: new ChainStrategy(),
    search: this.searchStrategy,
  };
  private readonly classifierModel?: string;
  private readonly classifierTimeoutMs: number;

  constructor(
    private readonly resolver: ModelResolver,
    tracker: PerformanceTracker,
    private readonly policies: PolicyService,
    config: AppConfig,
    private readonly web: WebSearch,
    private readonly planner: TargetPlanner,
    private readonly routes: RouteRegistry,
  ) {
    this.selector = new ModelSelector(resolver, tracker);
    this.classifierModel = config.routing.autoClassifierModel;
    this.classifierTimeoutMs = config.routing.autoClassifierTimeoutMs;
  }

  /**
   * Whether a chat request is for the orchestrator: `auto`, a route of the caller's with an
   * orchestration strategy (mix, vote, chain), or any model with web search.
   */
  handles(
    body: {
      model?: unknown;
      models?: unknown;
      route?: unknown;
      plugins?: unknown;
      web_search_options?: unknown;
      search?: unknown;
    },
    caller?: Pick<Caller, 'tenantId'>,
  ): boolean {
    if (body.model === AUTO_MODEL && body.models === undefined && body.route === undefined) return true;
    if (caller && this.orchestrationRoute(body, caller.tenantId)) return true;
    if (!asksForSearch(body)) return false;
    try {
      return searchRequestOf(body) !== undefined;
    } catch {
      return true; // a malformed search field: decide() answers it with a 400 naming the field
    }
  }

  /** The web search backend's settings (undefined: search is off). */
  get search(): WebSearch {
    return this.web;
  }

  /**
   * Classifies and plans. `classify` runs the LLM classifier's call (metered by the caller);
   * without it (or without a classifier model) the rules decide.
   */
  async decide(
    caller: Caller,
    body: OrchestratedBody,
    scope: KeyScope,
    classify?: ClassifierCall,
  ): Promise<Decision> {
    const route = this.orchestrationRoute(body, caller.tenantId);
    if (route) return this.decideRoute(caller, body, scope, route);
    const searchAsked = searchRequestOf(body);
    if (searchAsked) assertSearchable(body, searchAsked);
    if (searchAsked && withoutOnline(String(body.model ?? '')) !== AUTO_MODEL)
      return this.decideNamedSearch(caller, body, scope, searchAsked);
    assertOrchestratable(body);
    const { policy, source } = await this.policies.effective(caller.tenantId);
    const input = classifierInputOf(body);
    let classification: Classification;
    let classifierStep: StepResult | undefined;
    const classifierTarget = this.classifierTarget(caller, policy, scope);
    if (classifierTarget && classify) {
      const timeout = policy.classifier.timeout_ms ?? this.classifierTimeoutMs;
      ({ classification, step: classifierStep } = await classifyWithModel(
        input,
        classifierTarget,
        timeout,
        classify,
      ));
    } else {
      classification = classifyByRules(input);
    }
    const maxTokens = (body.max_completion_tokens ?? body.max_tokens ?? undefined) || undefined;
    const selection: SelectionContext = {
      caller,
      scope,
      request: { operation: 'chat', body },
      settings: policy.selection,
    };
    const context = { policy, selection, maxTokens };
    const search =
      searchAsked ??
      (classification.needs_web && body.search !== 'off'
        ? ({ mode: 'tool', via: 'search' } as const)
        : undefined);
    const plan =
      (search && this.searchPlan(classification, context, search, searchAsked !== undefined)) ??
      this.plan(classification, context, this.strategyFor(classification, policy, body));
    if (!searchAsked && classification.needs_web && !this.web.settings)
      plan.notes.push('the request needs fresh facts, but web search is off (SEARCH_PROVIDER)');
    this.addMedia(plan, classification, context);
    return {
      classification,
      plan,
      params: presetFor(policy, classification, body),
      policy: source,
      ...(classifierStep ? { classifierStep } : {}),
      context,
    };
  }

  /** Cheaper plans than `decision`'s, cheapest last: fewer voters, then one model, then the simple tier. */
  cheaperPlans(decision: Decision): Plan[] {
    const { plan, classification, context } = decision;
    const out: Plan[] = [];
    // A search plan is what the request asked for (or needs): it is not traded for one without sources.
    if (plan.strategy === 'search') return out;
    if (plan.strategy === 'vote') {
      const voters = plan.steps.filter((s) => s.role === 'voter').length;
      for (let n = voters - 1; n >= 2; n--) {
        const fewer = this.strategies.vote.plan({ ...this.planInput(classification, context), maxVoters: n });
        if (typeof fewer !== 'string')
          out.push({ ...fewer, notes: [...fewer.notes, 'fewer voters to fit the balance'] });
      }
    }
    if (plan.strategy !== 'single') {
      const single = this.strategies.single.plan(this.planInput(classification, context));
      if (typeof single !== 'string')
        out.push({ ...single, notes: [`single instead of ${plan.strategy} to fit the balance`] });
    }
    if (classification.complexity !== 'simple') {
      const simple = this.strategies.single.plan(
        this.planInput({ ...classification, complexity: 'simple' }, context),
      );
      if (typeof simple !== 'string') out.push({ ...simple, notes: ['the simple tier to fit the balance'] });
    }
    // The picture and the narration were asked for: a cheaper text plan keeps them.
    return plan.media ? out.map((p) => ({ ...p, media: plan.media })) : out;
  }

  /** Multimodal: the image and speech steps the classification's outputs ask for. */
  private addMedia(plan: Plan, classification: Classification, context: Decision['context']): void {
    const { steps, notes } = mediaSteps(classification, context.policy, this.selector, context.selection);
    if (steps.length > 0) plan.media = steps;
    plan.notes.push(...notes);
  }

  /**
   * Each step's worst case: the caller's prompt plus the strategy's own text plus the most the
   * steps feeding it may write, and its own output bound.
   */
  stepBounds(plan: Plan, promptTokens: number): StepBound[] {
    const outputOf = new Map(plan.steps.map((s) => [s.id, s.outputBound ?? s.maxTokens]));
    // Media steps: one image; the narration reads at most SPEECH_MAX_CHARS characters.
    const media = (plan.media ?? []).map((step) => ({
      id: step.id,
      targets: step.targets,
      promptTokens: 0,
      maxOutputTokens: 0,
      ...(step.role === 'illustrator' ? { images: 1 } : { characters: SPEECH_MAX_CHARS }),
    }));
    return [...this.textBounds(plan, promptTokens, outputOf), ...media];
  }

  private textBounds(
    plan: Plan,
    promptTokens: number,
    outputOf: Map<string, number | undefined>,
  ): StepBound[] {
    return plan.steps.map((step) => ({
      id: step.id,
      targets: step.targets,
      promptTokens:
        promptTokens +
        step.overheadTokens +
        step.inputs.reduce((sum, id) => sum + (outputOf.get(id) ?? maxOutputOf(plan, id)), 0),
      maxOutputTokens: step.outputBound ?? step.maxTokens,
    }));
  }

  run(plan: Plan, input: RunInput): Promise<RunOutcome> {
    const text = (p: Plan, i: RunInput) => this.strategies[p.strategy].run(p, i);
    return plan.media?.length ? runWithMedia(plan, input, text) : text(plan, input);
  }

  /** POST /api/v1/orchestration/explain: the decision without running it (only the classifier runs). */
  async explain(
    caller: Caller,
    body: unknown,
    requestId: string,
    runners?: StepRunners | null,
  ): Promise<Record<string, unknown>> {
    const parsed = parseExplainBody(body);
    const scope = scopeFor(caller);
    const controller = new AbortController();
    const classify = runners?.standalone(caller, requestId, controller.signal);
    const decision = await this.decide(caller, parsed, scope, classify);
    return explainDecision(decision);
  }

  /**
   * `auto` with web search (asked for, or `needs_web`): the tier's candidates, able to call tools
   * in tool mode (else a forced search); undefined when search is off and nobody asked for it.
   */
  private searchPlan(
    classification: Classification,
    context: Decision['context'],
    asked: Pick<SearchRequest, 'mode'>,
    explicit: boolean,
  ): Plan | undefined {
    const settings = this.web.settings;
    if (!settings) {
      if (explicit) throw searchUnavailable();
      return undefined;
    }
    const candidates = candidatesFor(context.policy, classification);
    const select = (body: object) =>
      this.selector.select(
        candidates,
        { ...context.selection, request: { operation: 'chat', body: body as OrchestratedBody } },
        FAILOVER_DEPTH,
      );
    const body = context.selection.request.operation === 'chat' ? context.selection.request.body : {};
    let mode = asked.mode;
    let choices = mode === 'tool' ? select({ ...body, tools: [WEB_SEARCH_TOOL] }) : select(body);
    const notes: string[] = [];
    if (choices.length === 0 && mode === 'tool') {
      choices = select(body);
      mode = 'forced';
      notes.push(
        'no candidate can call tools: one search for the last message instead of the web_search tool',
      );
    }
    if (choices.length === 0) return undefined;
    const plan = this.searchStrategy.planFor(
      { targets: choices.map((c) => c.target), why: choices[0]!.why, considered: choices[0]!.considered },
      mode,
      settings,
      context.maxTokens,
    );
    plan.notes.push(
      ...notes,
      explicit
        ? 'web search: asked for by the request'
        : 'web search: the request needs fresh facts (needs_web)',
    );
    return plan;
  }

  /** A named model (or route, or `models` list) with web search: no policy, the caller's model answers. */
  private async decideNamedSearch(
    caller: Caller,
    body: OrchestratedBody,
    scope: KeyScope,
    asked: SearchRequest,
  ): Promise<Decision> {
    const settings = this.web.settings;
    if (!settings) throw searchUnavailable(asked.via);
    const { policy, source } = await this.policies.effective(caller.tenantId);
    const names =
      typeof body.route === 'string'
        ? [body.route]
        : Array.isArray(body.models)
          ? (body.models as string[]).map(withoutOnline)
          : [withoutOnline(String(body.model))];
    const request = { operation: 'chat' as const, body: { ...body, model: names[0]! } };
    const targets = this.planner.plan(caller, names, request, scope);
    let mode = asked.mode;
    const notes: string[] = [];
    if (mode === 'tool' && !targets[0]!.model.capabilities.includes('tools')) {
      mode = 'forced';
      notes.push(`${targets[0]!.id} cannot call tools: one search for the last message instead`);
    }
    const maxTokens = (body.max_completion_tokens ?? body.max_tokens ?? undefined) || undefined;
    const plan = this.searchStrategy.planFor(
      { targets, why: 'the model the caller named', considered: [] },
      mode,
      settings,
      maxTokens,
    );
    plan.notes.push(...notes, `web search: asked for by ${asked.via}`);
    const selection: SelectionContext = { caller, scope, request, settings: policy.selection };
    return {
      classification: classifyByRules(classifierInputOf(body)),
      plan,
      params: {},
      policy: source,
      context: { policy, selection, maxTokens },
    };
  }

  /** The route the request names (`route`, or `model` without `models`) when its strategy is mix, vote or chain. */
  private orchestrationRoute(
    body: { model?: unknown; models?: unknown; route?: unknown },
    tenantId: string,
  ): RouteDefinition | undefined {
    const name =
      typeof body.route === 'string'
        ? body.route
        : body.models === undefined && typeof body.model === 'string'
          ? body.model
          : undefined;
    if (name === undefined || name === AUTO_MODEL) return undefined;
    const route = this.routes.find(name, tenantId);
    return route && isOrchestrationStrategy(route.strategy) && route.strategyParams ? route : undefined;
  }

  /**
   * A named route with an orchestration strategy: its step models stand in for the policy's
   * candidates and roles (the tenant's policy gives the vote and selection settings); the rules
   * classify for the explanation only (no classifier call, no presets).
   */
  private async decideRoute(
    caller: Caller,
    body: OrchestratedBody,
    scope: KeyScope,
    route: RouteDefinition,
  ): Promise<Decision> {
    if (searchRequestOf(body))
      throw new InvalidRequestError(
        `The route '${route.name}' (${route.strategy}) does not take web search.`,
        {
          param: 'search',
        },
      );
    assertOrchestratable(body, `the route '${route.name}'`);
    const strategy = route.strategy as 'mix' | 'vote' | 'chain';
    const p = route.strategyParams!;
    const { policy: base, source } = await this.policies.effective(caller.tenantId);
    // A key whose allowed models name the route may use every step's model through it;
    // otherwise each step's model must be one the key admits.
    const allowed = caller.apiKey?.allowedModels;
    const wholeRoute = !allowed || allowed.includes(route.name);
    if (!wholeRoute) {
      for (const target of route.targets) {
        const resolved = this.resolver.tryResolve(target.model, scope);
        if (resolved && !modelAllowed(allowed, resolved))
          throw new PermissionDeniedError(
            `This API key is not allowed to use ${resolved.id}, a step of the route '${route.name}'.`,
            { code: 'model_not_allowed', param: 'model' },
          );
      }
    }
    const stepCaller: Caller =
      wholeRoute && caller.apiKey ? { ...caller, apiKey: { ...caller.apiKey, allowedModels: null } } : caller;
    const answering = strategy === 'vote' ? p.voters! : strategy === 'mix' ? [p.answerer!] : [p.draft!];
    const voters = p.voters?.length ?? 0;
    const policy: OrchestrationPolicy = {
      ...base,
      candidates: { chat: { simple: answering, moderate: answering, complex: answering } },
      roles: {
        reasoner: p.reasoner ? [p.reasoner] : [],
        judge: [p.judge ?? p.critique].filter((m): m is string => m !== undefined),
      },
      strategies: [{ strategy }],
      vote: {
        ...base.vote,
        voters: Math.max(voters, 2),
        quorum: p.quorum ?? Math.min(base.vote.quorum, Math.max(voters, 2)),
        budget_ms: p.budget_ms ?? base.vote.budget_ms,
      },
    };
    const maxTokens = (body.max_completion_tokens ?? body.max_tokens ?? undefined) || undefined;
    const selection: SelectionContext = {
      caller: stepCaller,
      scope,
      request: { operation: 'chat', body },
      settings: policy.selection,
    };
    const context = { policy, selection, maxTokens };
    const classification = classifyByRules(classifierInputOf(body));
    const input = this.planInput(classification, context);
    const plan = this.strategies[strategy].plan(input);
    if (typeof plan === 'string')
      throw new InvalidRequestError(`The route '${route.name}' cannot serve this request: ${plan}.`, {
        param: 'model',
        code: 'route_unavailable',
      });
    const why = `the route '${route.name}' names it`;
    for (const step of plan.steps) step.why = why;
    if (strategy === 'chain' && p.refine) {
      const [refiner] = this.selector.select([p.refine], selection, 1);
      if (!refiner)
        throw new InvalidRequestError(
          `The route '${route.name}' cannot serve this request: its refine model is not usable.`,
          { param: 'model', code: 'route_unavailable' },
        );
      const refine = plan.steps.find((s) => s.id === 'refine')!;
      refine.targets = [refiner.target];
      refine.considered = refiner.considered;
    }
    plan.notes.push(`the route '${route.name}' (${strategy})`);
    return { classification, plan, params: {}, policy: source, route: route.name, context };
  }

  private classifierTarget(
    caller: Caller,
    policy: OrchestrationPolicy,
    scope: KeyScope,
  ): ResolvedModel | undefined {
    const name = policy.classifier.model ?? this.classifierModel;
    if (!name) return undefined;
    const target = this.resolver.tryResolve(name, scope);
    return target && modelAllowed(caller.apiKey?.allowedModels, target) ? target : undefined;
  }

  private strategyFor(
    c: Classification,
    policy: OrchestrationPolicy,
    body: OrchestratedBody,
  ): { name: StrategyName; note?: string } {
    const rule = policy.strategies.find(
      (r) =>
        (!r.intents || r.intents.includes(c.intent)) &&
        (!r.complexities || r.complexities.includes(c.complexity)),
    );
    const name = rule?.strategy ?? 'single';
    if (
      name !== 'single' &&
      ((body.n ?? 1) > 1 || (body.tools?.length ?? 0) > 0 || (body.functions?.length ?? 0) > 0)
    )
      return {
        name: 'single',
        note: `single instead of ${name}: the request asks for tools or several choices`,
      };
    return { name };
  }

  private plan(
    classification: Classification,
    context: Decision['context'],
    chosen: { name: StrategyName; note?: string },
  ): Plan {
    const input = this.planInput(classification, context);
    const first = this.strategies[chosen.name].plan(input);
    if (typeof first !== 'string')
      return chosen.note ? { ...first, notes: [chosen.note, ...first.notes] } : first;
    const single = this.strategies.single.plan(input);
    if (typeof single === 'string')
      throw new InvalidRequestError(
        `No model of the orchestration policy can serve this request for you (${single}). ` +
          'An operator can add candidates (or keys for their providers) in /api/v1/orchestration/policy.',
        { param: 'model', code: 'no_orchestration_candidate' },
      );
    return { ...single, notes: [`single instead of ${chosen.name}: ${first}`] };
  }

  private planInput(classification: Classification, context: Decision['context']) {
    return {
      classification,
      policy: context.policy,
      selector: this.selector,
      selection: context.selection,
      maxTokens: context.maxTokens,
    };
  }
}

function maxOutputOf(plan: Plan, id: string): number {
  const step = plan.steps.find((s) => s.id === id);
  return step?.targets.reduce((max, t) => Math.max(max, t.model.maxOutputTokens), 0) ?? 0;
}

/** The preset of the request's task type, for the fields the caller left unset. */
function presetFor(policy: OrchestrationPolicy, c: Classification, body: OrchestratedBody): ParameterPreset {
  const preset = policy.presets[c.intent] ?? {};
  const out: ParameterPreset = {};
  for (const field of PRESET_FIELDS) {
    const asked = (body as unknown as Record<string, unknown>)[field];
    if ((asked === undefined || asked === null) && preset[field] !== undefined) out[field] = preset[field];
  }
  return out;
}

/** How many models a search plan may fail over to (the chosen one included), as `single`. */
const FAILOVER_DEPTH = 3;

function searchUnavailable(param = 'search'): InvalidRequestError {
  return new InvalidRequestError(
    'Web search is not available on this gateway (an operator sets SEARCH_PROVIDER and its settings).',
    { param, code: 'search_unavailable' },
  );
}

/** Refuses what web search cannot honour yet (its steps relay text: no caller tools, one choice). */
function assertSearchable(body: OrchestratedBody, asked: SearchRequest): void {
  for (const field of ['tools', 'functions'] as const) {
    if ((body[field]?.length ?? 0) > 0)
      throw new InvalidRequestError(`Web search (${asked.via}) does not take ${field} yet.`, {
        param: field,
      });
  }
  if ((body.n ?? 1) > 1)
    throw new InvalidRequestError('Web search answers one choice; n must be 1.', { param: 'n' });
  if (body.include_reasoning !== undefined && typeof body.include_reasoning !== 'boolean')
    throw new InvalidRequestError('include_reasoning must be true or false.', { param: 'include_reasoning' });
}

/** Refuses what orchestration cannot honour, with the field named. */
function assertOrchestratable(body: OrchestratedBody, who = "model 'auto'"): void {
  if (body.include_reasoning !== undefined && typeof body.include_reasoning !== 'boolean')
    throw new InvalidRequestError('include_reasoning must be true or false.', { param: 'include_reasoning' });
  // A plan's steps relay text; tool calls and several choices are for a named model (for now).
  for (const field of ['tools', 'functions'] as const) {
    if ((body[field]?.length ?? 0) > 0)
      throw new InvalidRequestError(`${who} does not take ${field} yet; name a model for tool calls.`, {
        param: field,
      });
  }
  if ((body.n ?? 1) > 1)
    throw new InvalidRequestError(`${who} answers one choice; name a model for n > 1.`, { param: 'n' });
}

/** The explain endpoint's body: a chat request (its `model` may be left out). */
function parseExplainBody(body: unknown): OrchestratedBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidRequestError('The body must be a chat completion request (an object).', {
      param: 'body',
    });
  const b = body as Record<string, unknown>;
  if (b.model !== undefined && b.model !== AUTO_MODEL)
    throw new InvalidRequestError("Only 'auto' is explained; leave model out or send 'auto'.", {
      param: 'model',
    });
  if (!Array.isArray(b.messages) || b.messages.length === 0)
    throw new InvalidRequestError('messages must be a non-empty list.', { param: 'messages' });
  b.messages.forEach((m: unknown, i) => {
    const msg = m as Record<string, unknown> | null;
    if (typeof msg !== 'object' || msg === null || typeof msg.role !== 'string')
      throw new InvalidRequestError(`messages[${i}] must be a message with a role.`, {
        param: `messages[${i}]`,
      });
    if (
      msg.content !== undefined &&
      msg.content !== null &&
      typeof msg.content !== 'string' &&
      !Array.isArray(msg.content)
    )
      throw new InvalidRequestError(`messages[${i}].content must be a string or a list of parts.`, {
        param: `messages[${i}].content`,
      });
  });
  for (const field of ['max_tokens', 'max_completion_tokens', 'n'] as const) {
    const v = b[field];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 1))
      throw new InvalidRequestError(`${field} must be a positive integer.`, { param: field });
  }
  if (b.stream !== undefined && typeof b.stream !== 'boolean')
    throw new InvalidRequestError('stream must be true or false.', { param: 'stream' });
  if (b.tools !== undefined && !Array.isArray(b.tools))
    throw new InvalidRequestError('tools must be a list.', { param: 'tools' });
  return {
    ...b,
    model: AUTO_MODEL,
    messages: b.messages as ChatCompletionMessageParam[],
  };
}

/** A decision as data: what explain returns and what every orchestrated answer carries. */
export function explainDecision(decision: Decision): Record<string, unknown> {
  const { classification, plan } = decision;
  return {
    classification,
    plan: {
      strategy: plan.strategy,
      ...(plan.quorum !== undefined ? { quorum: plan.quorum } : {}),
      ...(plan.search ? { search: plan.search } : {}),
      steps: plan.steps.map(explainStep),
      ...(plan.media ? { media: plan.media.map(explainStep) } : {}),
      notes: plan.notes,
    },
    params: decision.params,
    policy: decision.policy,
    ...(decision.route ? { route: decision.route } : {}),
  };
}

function explainStep(s: PlannedStep): Record<string, unknown> {
  return {
    id: s.id,
    role: s.role,
    model: s.targets[0]!.id,
    failover: s.targets.slice(1).map((t) => t.id),
    max_tokens: s.maxTokens ?? null,
    ...(s.deadlineMs !== undefined ? { budget_ms: s.deadlineMs } : {}),
    ...(s.conditional ? { conditional: true } : {}),
    why: s.why,
    considered: s.considered,
  };
}
