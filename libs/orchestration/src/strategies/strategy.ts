import type { ResolvedModel } from '@switchyard/providers';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Classification } from '../classification/classification.types.js';
import type { CandidateNote, Choice, ModelSelector, SelectionContext } from '../planning/model-selector.js';
import type { OrchestrationPolicy, StrategyName } from '../policy/policy.types.js';
import type { UrlCitation } from '../search/citations.js';
import type { SearchMode } from '../search/search-request.js';
import type { SearchSession } from '../search/search-session.js';
import type {
  AnswerSink,
  ImageResult,
  SpeechResult,
  StepCall,
  StepDelta,
  StepResult,
  StepRunner,
} from '../step-runner.port.js';

/** What a step does in its plan. */
export type StepRole =
  | 'answer'
  | 'reasoner'
  | 'voter'
  | 'judge'
  | 'drafter'
  | 'critic'
  | 'refiner'
  | 'searcher'
  | 'illustrator'
  | 'narrator';

/** The strategies of a plan: the policy's, and `search` (web search, chosen by the request or `needs_web`). */
export type PlanStrategy = StrategyName | 'search';

/** A search plan's settings, as the explanation prints them. */
export interface PlanSearch {
  mode: SearchMode;
  /** The search backend (`searxng`, `brave`, `tavily`, `simulator`). */
  provider: string;
  /** Searches the plan may run at most (forced: 1; tool: SEARCH_MAX_ROUNDS): the reservation covers them all. */
  max_searches: number;
  max_results: number;
  /** Credits per search. */
  price: string;
}

/** One upstream call of a plan, decided before anything runs. */
export interface PlannedStep {
  id: string;
  role: StepRole;
  /** The chosen model first, then its failover. */
  targets: ResolvedModel[];
  why: string;
  considered: CandidateNote[];
  /** The step's `max_tokens`: undefined for the final answer when the caller set none (the model's maximum). */
  maxTokens?: number;
  /** Output tokens the step may produce at most, when it is bounded (a reasoner: its reasoning and its answer). */
  outputBound?: number;
  /** Steps whose output goes into this step's prompt. */
  inputs: string[];
  /** Tokens the strategy's own prompt adds to the step. */
  overheadTokens: number;
  /** vote: the per-voter time budget. */
  deadlineMs?: number;
  /** Only when needed (vote's judge: when there is no majority). */
  conditional?: boolean;
}

/** A strategy's plan for one request: plain data, returned by the explain endpoint. */
export interface Plan {
  strategy: PlanStrategy;
  steps: PlannedStep[];
  /** vote: answers needed. */
  quorum?: number;
  /** vote: answers up to this long (normalised) are decided by majority. */
  shortAnswerChars?: number;
  /** Decisions worth telling (a strategy downgraded, fewer voters). */
  notes: string[];
  /** search: how the web is searched. */
  search?: PlanSearch;
  /** Image and speech steps beside the text answer (the request asked for a picture or narration). */
  media?: PlannedStep[];
}

/** What planning reads. */
export interface PlanInput {
  classification: Classification;
  policy: OrchestrationPolicy;
  selector: ModelSelector;
  selection: SelectionContext;
  /** The caller's `max_tokens` (or `max_completion_tokens`), when set. */
  maxTokens?: number;
  /** At most this many voters (a cheaper plan for a short balance). */
  maxVoters?: number;
}

/** What running reads besides the plan. */
export interface RunInput {
  messages: ChatCompletionMessageParam[];
  /** Sampling parameters for every step (the caller's, else the preset). */
  params: Record<string, unknown>;
  runner: StepRunner;
  sink: AnswerSink;
  /** Whether the reasoning of a mix goes to the client. */
  includeReasoning: boolean;
  /** Whether the client streams: steps it sees are then streamed too, else called whole. */
  stream: boolean;
  /** search: the request's searches (undefined: search is off, every search fails). */
  search?: SearchSession;
}

/** A step that failed (and was tolerated, for vote), for the answer's explanation. */
export interface StepFailure {
  id: string;
  model: string;
  error: string;
}

/** What a run produced: the answer went to the sink; these are its accounts. */
export interface RunOutcome {
  results: StepResult[];
  failures: StepFailure[];
  /** How the final answer was reached (vote: majority or judge). */
  decision?: string;
  /** search: the answer's `message.annotations` (its `[n]` markers mapped to sources). */
  annotations?: UrlCitation[];
  /** Multimodal: what the media steps produced. */
  images?: ImageResult[];
  audio?: SpeechResult[];
}

/**
 * An orchestration strategy: `plan` chooses the models of each step from the policy (or says it
 * cannot, and the orchestrator falls back to `single`); `run` executes a plan through the step
 * runner and writes the answer to the sink.
 */
export interface OrchestrationStrategy {
  readonly name: PlanStrategy;
  plan(input: PlanInput): Plan | string;
  run(plan: Plan, input: RunInput): Promise<RunOutcome>;
}

/** The model list for an intent and tier: the intent's, else chat's; the tier's, else moderate's. */
export function candidatesFor(policy: OrchestrationPolicy, c: Classification) {
  const tiers = policy.candidates[c.intent] ?? policy.candidates.chat ?? {};
  return (
    tiers[c.complexity] ??
    tiers.moderate ??
    policy.candidates.chat?.[c.complexity] ??
    policy.candidates.chat?.moderate ??
    []
  );
}

/** A planned step from a choice (and the choices after it as failover). */
export function stepOf(
  id: string,
  role: StepRole,
  choices: Choice[],
  fields: Omit<PlannedStep, 'id' | 'role' | 'targets' | 'why' | 'considered'>,
): PlannedStep {
  const [first] = choices;
  return {
    id,
    role,
    targets: choices.map((c) => c.target),
    why: first!.why,
    considered: first!.considered,
    ...fields,
  };
}

/** The text of the last user message (its text parts joined with a space; '' when there is none). */
export function lastUserText(messages: readonly ChatCompletionMessageParam[]): string {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const content = last?.content;
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((p) => (p.type === 'text' ? p.text : '')).join(' ') : '';
}

/** A bound of a prompt template's tokens: its UTF-8 bytes (a token is at least one), plus a message's framing. */
export function templateTokens(text: string): number {
  return Buffer.byteLength(text, 'utf8') + 16;
}

/**
 * Runs a step the client sees: streamed delta by delta into `onDelta` when the client streams,
 * else called whole (one upstream answer, no per-chunk pacing) and handed over at once.
 */
export async function relayStep(
  input: RunInput,
  call: StepCall,
  onDelta: (delta: StepDelta) => Promise<void>,
): Promise<StepResult> {
  if (!input.stream) {
    const result = await input.runner.call(call);
    if (result.reasoning || result.text)
      await onDelta({
        ...(result.reasoning ? { reasoning: result.reasoning } : {}),
        ...(result.text ? { content: result.text } : {}),
      });
    return result;
  }
  const stream = input.runner.stream(call);
  for (;;) {
    const next = await stream.next();
    if (next.done) return next.value;
    await onDelta(next.value);
  }
}
