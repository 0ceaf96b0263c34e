import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { REASONER_SYSTEM, answerSystem } from './mix.prompts.js';
import {
  candidatesFor,
  relayStep,
  stepOf,
  templateTokens,
  type OrchestrationStrategy,
  type Plan,
  type PlanInput,
  type RunInput,
  type RunOutcome,
} from './strategy.js';

const withSystem = (system: string, messages: ChatCompletionMessageParam[]): ChatCompletionMessageParam[] => [
  { role: 'system', content: system },
  ...messages,
];

/**
 * Reason, then answer (ModelMixSuper): a reasoning model thinks, an execution model answers with
 * that reasoning as context. The reasoning streams first as `reasoning_content`, then the answer.
 */
export class MixStrategy implements OrchestrationStrategy {
  readonly name = 'mix' as const;

  plan(input: PlanInput): Plan | string {
    const step = input.policy.selection.step_max_tokens;
    const [reasoner] = input.selector.select(input.policy.roles.reasoner, input.selection, 1);
    if (!reasoner) return 'no reasoning model of the policy is usable';
    const answer = input.selector.select(
      candidatesFor(input.policy, input.classification),
      input.selection,
      2,
      [reasoner.target.id],
    );
    if (answer.length === 0) return 'no answering model besides the reasoner is usable';
    return {
      strategy: 'mix',
      steps: [
        // A reasoning model's output is its reasoning and its answer: twice its max_tokens at most.
        stepOf('reason', 'reasoner', [reasoner], {
          maxTokens: step,
          outputBound: step * 2,
          inputs: [],
          overheadTokens: templateTokens(REASONER_SYSTEM),
        }),
        stepOf('answer', 'answer', answer, {
          maxTokens: input.maxTokens,
          inputs: ['reason'],
          overheadTokens: templateTokens(answerSystem('')),
        }),
      ],
      notes: [],
    };
  }

  async run(plan: Plan, input: RunInput): Promise<RunOutcome> {
    const [reason, answer] = plan.steps as [Plan['steps'][0], Plan['steps'][0]];
    const thought = await relayStep(
      input,
      {
        id: reason.id,
        targets: reason.targets,
        messages: withSystem(REASONER_SYSTEM, input.messages),
        params: { ...input.params, max_tokens: reason.maxTokens },
      },
      async (delta) => {
        // The reasoner's own reasoning and its written answer are both the mix's reasoning.
        const text = (delta.reasoning ?? '') + (delta.content ?? '');
        if (text && input.includeReasoning) await input.sink.reasoning(text);
      },
    );
    const reasoning = [thought.reasoning, thought.text].filter(Boolean).join('\n\n');
    const result = await relayStep(
      input,
      {
        id: answer.id,
        targets: answer.targets,
        messages: withSystem(answerSystem(reasoning), input.messages),
        params: {
          ...input.params,
          ...(answer.maxTokens !== undefined ? { max_tokens: answer.maxTokens } : {}),
        },
      },
      async (delta) => {
        if (delta.content) await input.sink.content(delta.content);
      },
    );
    return { results: [thought, result], failures: [] };
  }
}
