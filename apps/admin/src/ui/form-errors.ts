import { ApiError } from '../api/http';

/**
 * Splits an API error into a message for one of the form's fields and a message for the whole
 * form. The 400's `param` (e.g. `rpm`, `targets[0].model`, `strategy_params.voters[1]`) goes to the
 * longest listed field it starts with, so a form may list a nested field (`strategy_params.voters`)
 * as well as a whole one (`targets`).
 */
export function fieldErrors(
  error: unknown,
  fields: readonly string[],
): { field: Record<string, string>; form?: string } {
  if (!error) return { field: {} };
  if (error instanceof ApiError && error.param) {
    const param = error.param;
    const name = fields
      .filter((f) => param === f || param.startsWith(`${f}.`) || param.startsWith(`${f}[`))
      .sort((a, b) => b.length - a.length)[0];
    if (name) return { field: { [name]: error.message } };
  }
  return { field: {}, form: error instanceof Error ? error.message : 'Something went wrong.' };
}
