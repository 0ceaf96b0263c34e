import { formatCredits } from '@switchyard/core';
import type { ResolvedModel } from '@switchyard/providers';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { CandidateNote } from '../planning/model-selector.js';
import { citationsOf } from '../search/citations.js';
import type { SearchMode } from '../search/search-request.js';
import type { SearchOutcome } from '../search/search-session.js';
import {
  NOT_RUN,
  TOOL_SYSTEM,
  WEB_SEARCH_TOOL,
  resultsTokenBound,
  searchFailedSystem,
  sourcesSystem,
  toolResult,
} from '../search/search.prompts.js';
import type { SearchSettings } from '../search/web-search.service.js';
import type { StepDelta, StepResult } from '../step-runner.port.js';
import {
  lastUserText,
  relayStep,
  templateTokens,
  type OrchestrationStrategy,
  type Plan,
  type PlannedStep,
  type RunInput,
  type RunOutcome,
} from './strategy.js';

/** The longest query the gateway sends for a forced search (the last user message, clipped). */
const MAX_QUERY_CHARS = 400;
/** A bound of the tool definition's tokens in a round's prompt. */
const TOOL_TOKENS = templateTokens(JSON.stringify(WEB_SEARCH_TOOL));

/** The query of a forced search: the last user message's text, spaces collapsed, clipped. */
export function searchQueryOf(messages: readonly ChatCompletionMessageParam[]): string {
  return lastUserText(messages).replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_CHARS);
}

/** How the answering model was chosen (a named model, or the policy's selection). */
export interface SearchChoice {
  targets: ResolvedModel[];
  why: string;
  considered: CandidateNote[];
}

const stepFrom = (
  id: string,
  role: PlannedStep['role'],
  choice: SearchChoice,
  fields: Omit<PlannedStep, 'id' | 'role' | 'targets' | 'why' | 'considered'>,
): PlannedStep => ({
  id,
  role,
  targets: choice.targets,
  why: choice.why,
  considered: choice.considered,
  ...fields,
});

/**
 * Web search with citations. **forced** (`:online`, `plugins`, `web_search_options`): one search
 * for the last user message, its results as numbered sources in a system message, then the
 * answer. **tool** (`search: "auto"`, `auto` with `needs_web`): the model is offered the
 * `web_search` function in up to `max_searches` rounds (one search a round, run by the gateway,
 * never shown to the caller); when the rounds are spent it must answer (`tool_choice: "none"`).
 * Either way the model is told to cite as `[n]`, and the markers become `url_citation`s.
 */
export class SearchStrategy implements OrchestrationStrategy {
  readonly name = 'search' as const;

  /** Search plans are made by the orchestrator from the request, not from the policy's rules. */
  plan(): string {
    return 'web search is planned from the request';
  }

  planFor(choice: SearchChoice, mode: SearchMode, settings: SearchSettings, maxTokens?: number): Plan {
    const results = resultsTokenBound(settings.maxResults);
    const search = {
      mode,
      provider: settings.provider,
      max_searches: mode === 'forced' ? 1 : settings.maxRounds,
      max_results: settings.maxResults,
      price: formatCredits(settings.price),
    };
    if (mode === 'forced')
      return {
        strategy: 'search',
        steps: [
          stepFrom('answer', 'answer', choice, {
            maxTokens,
            inputs: [],
            overheadTokens: templateTokens(sourcesSystem('', [])) + MAX_QUERY_CHARS * 3 + results,
          }),
        ],
        notes: [],
        search,
      };
    const steps: PlannedStep[] = [];
    for (let round = 1; round <= settings.maxRounds; round++)
      steps.push(
        stepFrom(`round-${round}`, 'searcher', choice, {
          maxTokens,
          inputs: steps.map((s) => s.id),
          overheadTokens: templateTokens(TOOL_SYSTEM) + TOOL_TOKENS + (round - 1) * (results + 64),
          ...(round > 1 ? { conditional: true } : {}),
        }),
      );
    steps.push(
      stepFrom('answer', 'answer', choice, {
        maxTokens,
        inputs: steps.map((s) => s.id),
        overheadTokens: templateTokens(TOOL_SYSTEM) + TOOL_TOKENS + settings.maxRounds * (results + 64),
        conditional: true,
      }),
    );
    return { strategy: 'search', steps, notes: [], search };
  }

  run(plan: Plan, input: RunInput): Promise<RunOutcome> {
    return plan.search?.mode === 'tool' ? this.tool(plan, input) : this.forced(plan, input);
  }

  private async forced(plan: Plan, input: RunInput): Promise<RunOutcome> {
    const step = plan.steps.at(-1)!;
    const query = searchQueryOf(input.messages);
    const outcome = await this.search(input, query);
    const system = outcome.ok ? sourcesSystem(query, outcome.sources) : searchFailedSystem();
    const result = await relayStep(
      input,
      {
        id: step.id,
        targets: step.targets,
        messages: [{ role: 'system', content: system }, ...input.messages],
        params: withMaxTokens(input.params, step),
      },
      deliver(input),
    );
    return {
      results: [result],
      failures: [],
      annotations: citationsOf(result.text, input.search?.sources ?? []),
    };
  }

  private async tool(plan: Plan, input: RunInput): Promise<RunOutcome> {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: TOOL_SYSTEM },
      ...input.messages,
    ];
    const results: StepResult[] = [];
    const sources = () => input.search?.sources ?? [];
    for (const step of plan.steps.filter((s) => s.role === 'searcher')) {
      const result = await input.runner.call({
        id: step.id,
        targets: step.targets,
        messages,
        params: { ...withMaxTokens(input.params, step), tools: [WEB_SEARCH_TOOL], tool_choice: 'auto' },
      });
      results.push(result);
      const calls = result.toolCalls ?? [];
      if (calls.length === 0) {
        // The model answered without (more) searching: that is the answer.
        const delta: StepDelta = {
          ...(result.reasoning ? { reasoning: result.reasoning } : {}),
          ...(result.text ? { content: result.text } : {}),
        };
        await deliver(input)(delta);
        return { results, failures: [], annotations: citationsOf(result.text, sources()) };
      }
      messages.push({
        role: 'assistant',
        content: result.text || null,
        tool_calls: calls.map((c) => ({
          id: c.id,
          type: 'function' as const,
          function: { name: c.name, arguments: c.arguments },
        })),
      });
      let searched = false;
      for (const call of calls) {
        let content = NOT_RUN;
        if (call.name !== WEB_SEARCH_TOOL.function.name) content = `There is no tool named ${call.name}.`;
        else if (!searched) {
          searched = true;
          const query = queryArgument(call.arguments);
          if (!query) content = 'The web_search call needs a "query" string.';
          else {
            const outcome = await this.search(input, query);
            content = outcome.ok ? toolResult(outcome.sources) : toolResult(undefined, outcome.error);
          }
        }
        messages.push({ role: 'tool', tool_call_id: call.id, content });
      }
    }
    // The rounds are spent: the model answers from what it found, with no further search.
    const step = plan.steps.at(-1)!;
    const final = await relayStep(
      input,
      {
        id: step.id,
        targets: step.targets,
        messages,
        params: { ...withMaxTokens(input.params, step), tools: [WEB_SEARCH_TOOL], tool_choice: 'none' },
      },
      deliver(input),
    );
    return {
      results: [...results, final],
      failures: [],
      annotations: citationsOf(final.text, sources()),
    };
  }

  private search(input: RunInput, query: string): Promise<SearchOutcome> {
    return input.search
      ? input.search.run(query)
      : Promise.resolve({ ok: false, error: 'web search is off' });
  }
}

function withMaxTokens(params: Record<string, unknown>, step: PlannedStep): Record<string, unknown> {
  return { ...params, ...(step.maxTokens !== undefined ? { max_tokens: step.maxTokens } : {}) };
}

/** Writes a step's deltas as the answer (a model's own reasoning too, when the caller wants it). */
function deliver(input: RunInput) {
  return async (delta: StepDelta) => {
    if (delta.reasoning && input.includeReasoning) await input.sink.reasoning(delta.reasoning);
    if (delta.content) await input.sink.content(delta.content);
  };
}

/** The `query` of a `web_search` call's JSON arguments, or undefined. */
function queryArgument(args: string): string | undefined {
  try {
    const parsed = JSON.parse(args) as { query?: unknown };
    const query = typeof parsed?.query === 'string' ? parsed.query.replace(/\s+/g, ' ').trim() : '';
    return query ? query.slice(0, MAX_QUERY_CHARS) : undefined;
  } catch {
    return undefined;
  }
}
