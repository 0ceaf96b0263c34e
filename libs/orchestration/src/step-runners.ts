import type { Caller } from '@switchyard/auth';
import type { ClassifierCall } from './classification/llm-classifier.js';

/**
 * What the chat lib provides to orchestration outside a chat call (the explain endpoint): one
 * step metered on its own, as a call of `requestId` (the LLM classifier is charged as a step).
 */
export interface StepRunners {
  standalone(caller: Caller, requestId: string, signal: AbortSignal): ClassifierCall;
}

/** Injection token of {@link StepRunners}; bound by the chat module. */
export const STEP_RUNNERS = Symbol('STEP_RUNNERS');
