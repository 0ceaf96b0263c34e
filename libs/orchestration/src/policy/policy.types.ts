import type { Complexity, Intent } from '../classification/classification.types.js';

/** The strategies a plan may use (`multimodal` comes with image and audio answers). */
export const STRATEGY_NAMES = ['single', 'mix', 'vote', 'chain'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/**
 * An ordered candidate list. An entry is a model name (`provider/model`, a catalog id or an
 * alias), or a list of names that count as equals: among those the one with the lower recent
 * latency, then the lower price, goes first.
 */
export type CandidateList = Array<string | string[]>;

/** Sampling parameters set for a task type when the caller did not set them. */
export interface ParameterPreset {
  temperature?: number;
  top_p?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
}

/** Which strategy a classification gets: the first rule that matches (unset fields match all). */
export interface StrategyRule {
  intents?: Intent[];
  complexities?: Complexity[];
  strategy: StrategyName;
}

/** The roles strategies need besides the answering model. */
export interface PolicyRoles {
  /** mix: the model that thinks before the answer. */
  reasoner: CandidateList;
  /** vote (no majority): the model that picks or writes the final answer; chain: the critic. */
  judge: CandidateList;
  /** Multimodal: the model that draws the picture a request asks for (operation `images`). */
  image_model?: CandidateList;
  /** Multimodal: the model that reads the answer aloud (operation `audio_speech`). */
  speech_model?: CandidateList;
}

export interface VoteSettings {
  /** How many models answer in parallel. */
  voters: number;
  /** How many answers are needed (else the call fails). */
  quorum: number;
  /** Each voter's time budget; a voter still running then is left out (listed as a hang). */
  budget_ms: number;
  /** Answers up to this long (normalised) are decided by majority; longer ones by the judge. */
  short_answer_chars: number;
}

export interface SelectionSettings {
  /** A candidate whose recent error rate is above this is passed over. */
  max_error_rate: number;
  /** Output tokens of an intermediate step (reasoning, votes, draft, critique). */
  step_max_tokens: number;
}

export interface ClassifierSettings {
  /** The LLM classifier's model; unset: AUTO_CLASSIFIER_MODEL; empty string: rules only. */
  model?: string;
  /** Its time budget; unset: AUTO_CLASSIFIER_TIMEOUT_MS. */
  timeout_ms?: number;
}

/**
 * How `auto` decides: plain data, edited through /api/v1/orchestration/policy. The platform's
 * default applies to every tenant; a tenant's override replaces the parts it sets.
 */
export interface OrchestrationPolicy {
  /** Answering models per intent and tier; an intent without a list uses `chat`'s. */
  candidates: Partial<Record<Intent, Partial<Record<Complexity, CandidateList>>>>;
  roles: PolicyRoles;
  /** Checked in order; none matching: `single`. */
  strategies: StrategyRule[];
  /** Per task type (intent). */
  presets: Partial<Record<Intent, ParameterPreset>>;
  vote: VoteSettings;
  selection: SelectionSettings;
  classifier: ClassifierSettings;
}

/** A tenant's override: any part of a policy (candidates and presets merge per intent). */
export type PolicyOverride = {
  candidates?: OrchestrationPolicy['candidates'];
  roles?: Partial<PolicyRoles>;
  strategies?: StrategyRule[];
  presets?: OrchestrationPolicy['presets'];
  vote?: Partial<VoteSettings>;
  selection?: Partial<SelectionSettings>;
  classifier?: ClassifierSettings;
};
