/** The prompts of the chain strategy (draft, critique, refine), kept in one place. */

/** The critic's system prompt, with the draft to critique. */
export function critiqueSystem(draft: string): string {
  return (
    'You review a draft answer to the request below. List its concrete problems: errors, gaps, ' +
    'unclear parts, style that does not fit the request. Be brief and specific; do not rewrite it.\n\n' +
    `<draft>\n${draft}\n</draft>`
  );
}

/** The refiner's system prompt, with the draft and the critique. */
export function refineSystem(draft: string, critique: string): string {
  return (
    'Rewrite the draft answer to the request below so that it fixes every point of the critique. ' +
    'Reply with the improved answer only.\n\n' +
    `<draft>\n${draft}\n</draft>\n\n<critique>\n${critique}\n</critique>`
  );
}
