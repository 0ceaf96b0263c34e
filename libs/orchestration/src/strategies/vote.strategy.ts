import { UpstreamError } from '@switchyard/core';
import type { StepResult } from '../step-runner.port.js';
import { judgeSystem } from './vote.prompts.js';
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
  type StepFailure,
} from './strategy.js';

const LEADING = new Set([' ', '"', "'", '`', '*', '_']);
const TRAILING = new Set([...LEADING, '.', '!', '?', ',', ';', ':']);

/**
 * An answer as compared for the majority: case, spacing and trailing punctuation do not count.
 * The ends are trimmed by walking in from them: a `[…]+$` pattern tried every start inside a run
 * of punctuation, which cost a long run's square (40,000 dots before a letter: 0.9 s).
 */
export function normaliseAnswer(text: string): string {
  const spaced = text.toLowerCase().replace(/\s+/g, ' ');
  let start = 0;
  let end = spaced.length;
  while (start < end && LEADING.has(spaced[start]!)) start++;
  while (end > start && TRAILING.has(spaced[end - 1]!)) end--;
  return spaced.slice(start, end);
}

/** The answer more than half of `answers` give (normalised), if there is one. */
export function majorityOf(answers: readonly string[]): { answer: string; votes: number } | undefined {
  const counts = new Map<string, { first: string; votes: number }>();
  for (const text of answers) {
    const key = normaliseAnswer(text);
    const entry = counts.get(key) ?? { first: text, votes: 0 };
    entry.votes++;
    counts.set(key, entry);
  }
  const best = [...counts.values()].sort((a, b) => b.votes - a.votes)[0];
  return best && best.votes * 2 > answers.length ? { answer: best.first, votes: best.votes } : undefined;
}

/**
 * Vote and fuse (Mixture-of-Agents): N models answer in parallel, each within a time budget;
 * with a quorum of answers, short ones are decided by majority, otherwise a judge model picks or
 * writes the final answer from the candidates. Failed and hung voters are listed, not fatal.
 */
export class VoteStrategy implements OrchestrationStrategy {
  readonly name = 'vote' as const;

  plan(input: PlanInput): Plan | string {
    const { vote, selection } = input.policy;
    const wanted = Math.min(vote.voters, input.maxVoters ?? vote.voters);
    const quorum = Math.min(vote.quorum, wanted);
    const voters = input.selector.select(
      candidatesFor(input.policy, input.classification),
      input.selection,
      wanted,
    );
    if (voters.length < Math.max(quorum, 2))
      return `only ${voters.length} usable voter(s) for a quorum of ${Math.max(quorum, 2)}`;
    const [judge] = input.selector.select(input.policy.roles.judge, input.selection, 1);
    if (!judge) return 'no judge model of the policy is usable';
    const voterMax = input.maxTokens ?? selection.step_max_tokens;
    const notes = voters.length < vote.voters ? [`${voters.length} of ${vote.voters} voters`] : [];
    return {
      strategy: 'vote',
      quorum,
      shortAnswerChars: vote.short_answer_chars,
      steps: [
        ...voters.map((v, i) =>
          stepOf(`vote-${i + 1}`, 'voter', [v], {
            maxTokens: voterMax,
            inputs: [],
            overheadTokens: 0,
            deadlineMs: vote.budget_ms,
          }),
        ),
        stepOf('judge', 'judge', [judge], {
          maxTokens: input.maxTokens,
          inputs: voters.map((_, i) => `vote-${i + 1}`),
          // Each answer is framed with its model's name.
          overheadTokens: templateTokens(judgeSystem([])) + voters.length * 32,
          conditional: true,
        }),
      ],
      notes,
    };
  }

  async run(plan: Plan, input: RunInput): Promise<RunOutcome> {
    const voters = plan.steps.filter((s) => s.role === 'voter');
    const judge = plan.steps.find((s) => s.role === 'judge')!;
    const settled = await Promise.allSettled(
      voters.map((step) =>
        input.runner.call({
          id: step.id,
          targets: step.targets,
          messages: input.messages,
          params: { ...input.params, max_tokens: step.maxTokens },
          deadlineMs: step.deadlineMs,
        }),
      ),
    );
    const results: StepResult[] = [];
    const failures: StepFailure[] = [];
    settled.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') results.push(outcome.value);
      else
        failures.push({
          id: voters[i]!.id,
          model: voters[i]!.targets[0]!.id,
          error: errorText(outcome.reason),
        });
    });
    const quorum = plan.quorum ?? 2;
    if (results.length < quorum) {
      throw new QuorumNotReachedError(
        `Only ${results.length} of ${voters.length} voters answered; the quorum is ${quorum}.`,
        results,
        failures,
      );
    }
    const texts = results.map((r) => r.text);
    const short = texts.every((t) => normaliseAnswer(t).length <= (plan.shortAnswerChars ?? 120));
    const majority = short ? majorityOf(texts) : undefined;
    if (majority) {
      await input.sink.content(majority.answer);
      return { results, failures, decision: `majority (${majority.votes} of ${results.length})` };
    }
    const judged = await relayStep(
      input,
      {
        id: judge.id,
        targets: judge.targets,
        messages: [
          {
            role: 'system',
            content: judgeSystem(results.map((r) => ({ model: r.target.id, text: r.text }))),
          },
          ...input.messages,
        ],
        params: {
          ...input.params,
          ...(judge.maxTokens !== undefined ? { max_tokens: judge.maxTokens } : {}),
        },
      },
      async (delta) => {
        if (delta.content) await input.sink.content(delta.content);
      },
    );
    return {
      results: [...results, judged],
      failures,
      decision: short ? 'judge (no majority)' : 'judge (long answers)',
    };
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const kind = (err as Error & { kind?: unknown }).kind;
    return typeof kind === 'string' ? `${kind}: ${err.message}` : err.message;
  }
  return String(err);
}

/** Fewer voters answered than the quorum: the request fails (502), charged for what ran. */
export class QuorumNotReachedError extends UpstreamError {
  constructor(
    message: string,
    readonly results: StepResult[],
    readonly failures: StepFailure[],
  ) {
    super(502, `${message} Failed: ${failures.map((f) => `${f.model} (${f.error})`).join('; ')}.`, {
      code: 'quorum_not_reached',
    });
  }
}
