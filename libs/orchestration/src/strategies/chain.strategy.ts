import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { critiqueSystem, refineSystem } from './chain.prompts.js';
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

/** Draft, critique, refine: the tier's model drafts, the judge critiques, the drafter refines. */
export class ChainStrategy implements OrchestrationStrategy {
  readonly name = 'chain' as const;

  plan(input: PlanInput): Plan | string {
    const step = input.policy.selection.step_max_tokens;
    const drafters = input.selector.select(
      candidatesFor(input.policy, input.classification),
      input.selection,
      2,
    );
    if (drafters.length === 0) return 'no drafting model of the policy is usable';
    const [critic] = input.selector.select(input.policy.roles.judge, input.selection, 1);
    if (!critic) return 'no critic (judge) model of the policy is usable';
    return {
      strategy: 'chain',
      steps: [
        stepOf('draft', 'drafter', drafters, { maxTokens: step, inputs: [], overheadTokens: 0 }),
        stepOf('critique', 'critic', [critic], {
          maxTokens: step,
          inputs: ['draft'],
          overheadTokens: templateTokens(critiqueSystem('')),
        }),
        stepOf('refine', 'refiner', drafters, {
          maxTokens: input.maxTokens,
          inputs: ['draft', 'critique'],
          overheadTokens: templateTokens(refineSystem('', '')),
        }),
      ],
      notes: [],
    };
  }

  async run(plan: Plan, input: RunInput): Promise<RunOutcome> {
    const [draftStep, critiqueStep, refineStep] = plan.steps as [
      Plan['steps'][0],
      Plan['steps'][0],
      Plan['steps'][0],
    ];
    const draft = await input.runner.call({
      id: draftStep.id,
      targets: draftStep.targets,
      messages: input.messages,
      params: { ...input.params, max_tokens: draftStep.maxTokens },
    });
    const critique = await input.runner.call({
      id: critiqueStep.id,
      targets: critiqueStep.targets,
      messages: withSystem(critiqueSystem(draft.text), input.messages),
      params: { ...input.params, max_tokens: critiqueStep.maxTokens },
    });
    // The refiner is the model that drafted (its failover after it), unless the plan names another
    // (a chain route's `refine`).
    const drafted = refineStep.targets.some((t) => t.id === draft.target.id);
    const targets = drafted
      ? [draft.target, ...refineStep.targets.filter((t) => t.id !== draft.target.id)]
      : refineStep.targets;
    const refined = await relayStep(
      input,
      {
        id: refineStep.id,
        targets,
        messages: withSystem(refineSystem(draft.text, critique.text), input.messages),
        params: {
          ...input.params,
          ...(refineStep.maxTokens !== undefined ? { max_tokens: refineStep.maxTokens } : {}),
        },
      },
      async (delta) => {
        if (delta.content) await input.sink.content(delta.content);
      },
    );
    return { results: [draft, critique, refined], failures: [] };
  }
}
