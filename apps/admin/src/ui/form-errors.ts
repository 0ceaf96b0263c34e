import { ApiError } from '../api/http';

/**
 * Splits an API error into a message for one of the form's fields (the 400's `param`, e.g.
 * `rpm` or `targets[0].model`, matched on its first segment) and a message for the whole form.
 */
export function fieldErrors(
  error: unknown,
  fields: readonly string[],
): { field: Record<string, string>; form?: string } {
  if (!error) return { field: {} };
  if (error instanceof ApiError && error.param) {
    const name = error.param.split(/[.[]/)[0] ?? error.param;
    if (fields.includes(name)) return { field: { [name]: error.message } };
  }
  return { field: {}, form: error instanceof Error ? error.message : 'Something went wrong.' };
}
