/** The prompts of the mix strategy (reason, then answer), kept in one place. */

/** Put before the conversation for the reasoning model. */
export const REASONER_SYSTEM =
  'Think the problem through step by step before anyone answers it. Write out your reasoning: ' +
  'what is asked, the facts and steps that matter, pitfalls, and the conclusion. Another model ' +
  'will write the final answer from your reasoning.';

/** Put before the conversation for the answering model, with the reasoning in it. */
export function answerSystem(reasoning: string): string {
  return (
    'A reasoning model has already thought about the request below. Use its reasoning as context, ' +
    'check it, and write the final answer for the user; do not mention the reasoning model.\n\n' +
    `<reasoning>\n${reasoning}\n</reasoning>`
  );
}
