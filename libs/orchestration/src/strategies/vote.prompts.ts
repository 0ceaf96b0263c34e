/** The prompts of the vote strategy's judge, kept in one place (Mixture-of-Agents' aggregator). */

/** The judge's system prompt, naming each candidate answer. */
export function judgeSystem(answers: readonly { model: string; text: string }[]): string {
  const listed = answers
    .map((a, i) => `<answer ${i + 1} from="${a.model}">\n${a.text}\n</answer>`)
    .join('\n\n');
  return (
    'Several models answered the request below independently. Critically evaluate their answers: ' +
    'some may be wrong or biased. Pick the best one, or write a better answer that combines what ' +
    'is right in them. Reply with the final answer only, as if you were answering the user directly.\n\n' +
    listed
  );
}
