import type { Caller } from '@switchyard/auth';
import { PermissionDeniedError } from '@switchyard/core';
import type { ResolvedModel } from '@switchyard/providers';

/**
 * Whether an API key's allowed-models list admits this model. Entries match the canonical id
 * (`openai/gpt-4o-mini`), the bare model id (`gpt-4o-mini`), the name the caller used (an alias),
 * or a whole provider (`openai/*`). No list means any model.
 */
export function modelAllowed(allowed: readonly string[] | null | undefined, target: ResolvedModel): boolean {
  if (!allowed) return true;
  return allowed.some(
    (entry) =>
      entry === target.id ||
      entry === target.model.id ||
      entry === target.requested ||
      (entry.endsWith('/*') && entry.slice(0, -2) === target.provider.id),
  );
}

export function assertModelAllowed(caller: Caller, target: ResolvedModel): void {
  if (!modelAllowed(caller.apiKey?.allowedModels, target)) {
    throw new PermissionDeniedError(`This API key is not allowed to use the model '${target.requested}'.`, {
      code: 'model_not_allowed',
      param: 'model',
    });
  }
}
