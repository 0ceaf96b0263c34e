import {
  candidatesFor,
  relayStep,
  stepOf,
  type OrchestrationStrategy,
  type Plan,
  type PlanInput,
  type RunInput,
  type RunOutcome,
} from './strategy.js';

/** How many models of the tier a single answer may fail over to (the chosen one included). */
const FAILOVER_DEPTH = 3;

/** One model answers: the first usable candidate of the intent's tier, the next ones as failover. */
export class SingleStrategy implements OrchestrationStrategy {
  readonly name = 'single' as const;

  plan(input: PlanInput): Plan | string {
    const choices = input.selector.select(
      candidatesFor(input.policy, input.classification),
      input.selection,
      FAILOVER_DEPTH,
    );
    if (choices.length === 0) return 'no candidate of the policy is usable for this request';
    return {
      strategy: 'single',
      steps: [
        stepOf('answer', 'answer', choices, { maxTokens: input.maxTokens, inputs: [], overheadTokens: 0 }),
      ],
      notes: [],
    };
  }

  async run(plan: Plan, input: RunInput): Promise<RunOutcome> {
    const step = plan.steps[0]!;
    const result = await relayStep(
      input,
      {
        id: step.id,
        targets: step.targets,
        messages: input.messages,
        params: { ...input.params, ...(step.maxTokens !== undefined ? { max_tokens: step.maxTokens } : {}) },
      },
      async (delta) => {
        // A plain model's own reasoning is relayed too.
        if (delta.reasoning && input.includeReasoning) await input.sink.reasoning(delta.reasoning);
        if (delta.content) await input.sink.content(delta.content);
      },
    );
    return { results: [result], failures: [] };
  }
}
