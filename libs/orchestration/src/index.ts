export { OrchestrationModule } from './orchestration.module.js';
export {
  AUTO_MODEL,
  Orchestrator,
  classifierInputOf,
  explainDecision,
  type Decision,
  type OrchestratedBody,
  type StepBound,
} from './orchestrator.service.js';
export { PolicyService, type PolicySource, type PolicyView } from './policy/policy.service.js';
export { DEFAULT_POLICY } from './policy/default-policy.js';
export { mergePolicy, validatePolicy } from './policy/policy.validation.js';
export type * from './policy/policy.types.js';
export {
  COMPLEXITIES,
  INTENTS,
  OUTPUTS,
  type Classification,
  type ClassifierInput,
  type Complexity,
  type Intent,
  type Output,
} from './classification/classification.types.js';
export { classifyByRules } from './classification/rules-classifier.js';
export { CLASSIFICATION_SCHEMA_NAME } from './classification/classifier.prompts.js';
export type { ClassifierCall } from './classification/llm-classifier.js';
export type {
  AnswerSink,
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
} from './step-runner.port.js';
export { STEP_RUNNERS, type StepRunners } from './step-runners.js';
export { IMAGE_PROMPT_MAX_CHARS, SPEECH_MAX_CHARS, SPEECH_VOICE } from './strategies/multimodal.js';
export { QuorumNotReachedError } from './strategies/vote.strategy.js';
export type {
  Plan,
  PlanSearch,
  PlanStrategy,
  PlannedStep,
  RunOutcome,
  StepFailure,
  StepRole,
} from './strategies/strategy.js';
export { WebSearch, type SearchSettings } from './search/web-search.service.js';
export { SearchSession, type SearchRecord, type Source } from './search/search-session.js';
export type { UrlCitation } from './search/citations.js';
export { SearxngAdapter } from './search/searxng.adapter.js';
export { BraveAdapter } from './search/brave.adapter.js';
export { TavilyAdapter } from './search/tavily.adapter.js';
export { SearchError, type SearchAdapter, type SearchResult } from './search/search.types.js';
