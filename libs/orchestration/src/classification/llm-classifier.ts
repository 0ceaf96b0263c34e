import type { ResolvedModel } from '@switchyard/providers';
import type { StepCall, StepResult } from '../step-runner.port.js';
import {
  COMPLEXITIES,
  INTENTS,
  OUTPUTS,
  type Classification,
  type ClassifierInput,
  type Output,
} from './classification.types.js';
import {
  CLASSIFICATION_JSON_SCHEMA,
  CLASSIFIER_MAX_TOKENS,
  CLASSIFIER_SYSTEM,
} from './classifier.prompts.js';
import { classifyByRules } from './rules-classifier.js';

/** The LLM classifier's answer, checked against the schema by hand (providers' strictness varies). */
export function parseClassification(text: string): Omit<Classification, 'source' | 'signals'> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!INTENTS.includes(v.intent as never) || !COMPLEXITIES.includes(v.complexity as never)) return undefined;
  if (typeof v.needs_web !== 'boolean' || !Array.isArray(v.outputs)) return undefined;
  if (!v.outputs.every((o) => OUTPUTS.includes(o as never))) return undefined;
  const outputs = OUTPUTS.filter((o) => o === 'text' || (v.outputs as Output[]).includes(o));
  return {
    intent: v.intent as Classification['intent'],
    complexity: v.complexity as Classification['complexity'],
    needs_web: v.needs_web,
    outputs,
  };
}

/** One metered call of the classifier's model (the chat lib's runner, on its own reservation). */
export type ClassifierCall = (step: StepCall) => Promise<StepResult>;

/** How the LLM classifier went: its verdict (or the rules'), and its step when one ran. */
export interface LlmClassification {
  classification: Classification;
  step?: StepResult;
}

/**
 * The LLM classifier: asks `target` for the strict JSON classification within `timeoutMs`;
 * on a timeout, an error or an answer that does not fit the schema, the rules decide (and the
 * signals say why). The call is a step of the request: metered like any other.
 */
export async function classifyWithModel(
  input: ClassifierInput,
  target: ResolvedModel,
  timeoutMs: number,
  call: ClassifierCall,
): Promise<LlmClassification> {
  let step: StepResult;
  try {
    step = await call({
      id: 'classify',
      targets: [target],
      messages: [
        { role: 'system', content: CLASSIFIER_SYSTEM },
        { role: 'user', content: input.text },
      ],
      params: {
        temperature: 0,
        max_tokens: CLASSIFIER_MAX_TOKENS,
        response_format: { type: 'json_schema', json_schema: CLASSIFICATION_JSON_SCHEMA },
      },
      deadlineMs: timeoutMs,
    });
  } catch (err) {
    const kind = (err as { kind?: unknown }).kind;
    const why =
      kind === 'timeout' || kind === 'aborted'
        ? 'timeout'
        : `error(${typeof kind === 'string' ? kind : 'failed'})`;
    return { classification: fallback(input, `llm:${why}`) };
  }
  const parsed = parseClassification(step.text);
  if (!parsed) return { classification: fallback(input, 'llm:bad_output'), step };
  return {
    classification: { ...parsed, source: 'llm', signals: [`llm:${target.id}`] },
    step,
  };
}

function fallback(input: ClassifierInput, why: string): Classification {
  const rules = classifyByRules(input);
  return { ...rules, signals: [why, ...rules.signals] };
}
