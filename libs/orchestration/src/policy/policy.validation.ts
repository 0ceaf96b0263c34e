import { InvalidRequestError } from '@switchyard/core';
import { COMPLEXITIES, INTENTS } from '../classification/classification.types.js';
import {
  STRATEGY_NAMES,
  type CandidateList,
  type OrchestrationPolicy,
  type PolicyOverride,
} from './policy.types.js';

const MAX_CANDIDATES = 32;
const MAX_RULES = 64;

class Check {
  fail(param: string, message: string): never {
    throw new InvalidRequestError(`Invalid orchestration policy: ${param} ${message}.`, {
      param,
      code: 'invalid_policy',
    });
  }

  object(value: unknown, param: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(param, 'must be an object');
    return value as Record<string, unknown>;
  }

  keys(value: Record<string, unknown>, allowed: readonly string[], param: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key))
        this.fail(param ? `${param}.${key}` : key, `is not one of ${allowed.join(', ')}`);
    }
  }

  number(value: unknown, param: string, min: number, max: number, integer = false): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
      this.fail(param, `must be ${integer ? 'an integer' : 'a number'}`);
    if (value < min || value > max) this.fail(param, `must be between ${min} and ${max}`);
    return value;
  }

  name(value: unknown, param: string): string {
    if (typeof value !== 'string' || value.trim() === '' || value.length > 256)
      this.fail(param, 'must be a model name (1 to 256 characters)');
    if (value.trim() === 'auto') this.fail(param, "cannot be 'auto'");
    return value;
  }

  candidates(value: unknown, param: string): CandidateList {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CANDIDATES)
      this.fail(param, `must be a list of 1 to ${MAX_CANDIDATES} model names (or lists of equals)`);
    return value.map((entry, i) => {
      if (!Array.isArray(entry)) return this.name(entry, `${param}[${i}]`);
      if (entry.length === 0 || entry.length > MAX_CANDIDATES)
        this.fail(`${param}[${i}]`, `must list 1 to ${MAX_CANDIDATES} model names`);
      return entry.map((name, j) => this.name(name, `${param}[${i}][${j}]`));
    });
  }
}

const SECTIONS = ['candidates', 'roles', 'strategies', 'presets', 'vote', 'selection', 'classifier'] as const;

/**
 * Checks a policy document (the platform's, `partial` false: every section required) or a
 * tenant's override (`partial`: any section). Throws a 400 `invalid_policy` whose `param` is the
 * path of the first bad field; returns the document as a typed value.
 */
export function validatePolicy(raw: unknown, partial: true): PolicyOverride;
export function validatePolicy(raw: unknown, partial: false): OrchestrationPolicy;
export function validatePolicy(raw: unknown, partial: boolean): PolicyOverride | OrchestrationPolicy {
  const c: Check = new Check();
  const body = c.object(raw, 'body');
  c.keys(body, SECTIONS, '');
  if (!partial) for (const section of SECTIONS) if (!(section in body)) c.fail(section, 'is required');

  if (body.candidates !== undefined) {
    const candidates = c.object(body.candidates, 'candidates');
    c.keys(candidates, INTENTS, 'candidates');
    for (const [intent, tiers] of Object.entries(candidates)) {
      const t = c.object(tiers, `candidates.${intent}`);
      c.keys(t, COMPLEXITIES, `candidates.${intent}`);
      for (const [tier, list] of Object.entries(t)) c.candidates(list, `candidates.${intent}.${tier}`);
    }
    if (!partial && !(candidates.chat as Record<string, unknown> | undefined)?.moderate)
      c.fail('candidates.chat.moderate', 'is required (the list every other intent and tier falls back to)');
  }
  if (body.roles !== undefined) {
    const roles = c.object(body.roles, 'roles');
    c.keys(roles, ['reasoner', 'judge', 'image_model', 'speech_model'], 'roles');
    for (const role of ['reasoner', 'judge', 'image_model', 'speech_model']) {
      if (roles[role] !== undefined) c.candidates(roles[role], `roles.${role}`);
      else if (!partial && (role === 'reasoner' || role === 'judge')) c.fail(`roles.${role}`, 'is required');
    }
  }
  if (body.strategies !== undefined) {
    const rules: unknown = body.strategies;
    if (!Array.isArray(rules) || rules.length > MAX_RULES)
      c.fail('strategies', `must be a list of at most ${MAX_RULES} rules`);
    rules.forEach((rule: unknown, i: number) => {
      const r = c.object(rule, `strategies[${i}]`);
      c.keys(r, ['intents', 'complexities', 'strategy'], `strategies[${i}]`);
      if (!STRATEGY_NAMES.includes(r.strategy as never))
        c.fail(`strategies[${i}].strategy`, `must be one of ${STRATEGY_NAMES.join(', ')}`);
      for (const [field, allowed] of [
        ['intents', INTENTS],
        ['complexities', COMPLEXITIES],
      ] as const) {
        const list: unknown = r[field];
        if (list === undefined) continue;
        if (!Array.isArray(list) || list.length === 0)
          c.fail(`strategies[${i}].${field}`, 'must be a non-empty list');
        list.forEach((v: unknown, j: number) => {
          if (!(allowed as readonly unknown[]).includes(v))
            c.fail(`strategies[${i}].${field}[${j}]`, `must be one of ${allowed.join(', ')}`);
        });
      }
    });
  }
  if (body.presets !== undefined) {
    const presets = c.object(body.presets, 'presets');
    c.keys(presets, INTENTS, 'presets');
    for (const [intent, preset] of Object.entries(presets)) {
      const p = c.object(preset, `presets.${intent}`);
      c.keys(p, ['temperature', 'top_p', 'frequency_penalty', 'presence_penalty'], `presets.${intent}`);
      if (p.temperature !== undefined) c.number(p.temperature, `presets.${intent}.temperature`, 0, 2);
      if (p.top_p !== undefined) c.number(p.top_p, `presets.${intent}.top_p`, 0, 1);
      for (const k of ['frequency_penalty', 'presence_penalty'])
        if (p[k] !== undefined) c.number(p[k], `presets.${intent}.${k}`, -2, 2);
    }
  }
  if (body.vote !== undefined) {
    const vote = c.object(body.vote, 'vote');
    const fields = {
      voters: [1, 9],
      quorum: [1, 9],
      budget_ms: [100, 600_000],
      short_answer_chars: [1, 10_000],
    };
    c.keys(vote, Object.keys(fields), 'vote');
    for (const [k, [min, max]] of Object.entries(fields)) {
      if (vote[k] !== undefined) c.number(vote[k], `vote.${k}`, min!, max!, true);
      else if (!partial) c.fail(`vote.${k}`, 'is required');
    }
    if (typeof vote.quorum === 'number' && typeof vote.voters === 'number' && vote.quorum > vote.voters)
      c.fail('vote.quorum', 'cannot be more than vote.voters');
  }
  if (body.selection !== undefined) {
    const selection = c.object(body.selection, 'selection');
    c.keys(selection, ['max_error_rate', 'step_max_tokens'], 'selection');
    if (selection.max_error_rate !== undefined)
      c.number(selection.max_error_rate, 'selection.max_error_rate', 0, 1);
    else if (!partial) c.fail('selection.max_error_rate', 'is required');
    if (selection.step_max_tokens !== undefined)
      c.number(selection.step_max_tokens, 'selection.step_max_tokens', 16, 32_768, true);
    else if (!partial) c.fail('selection.step_max_tokens', 'is required');
  }
  if (body.classifier !== undefined) {
    const classifier = c.object(body.classifier, 'classifier');
    c.keys(classifier, ['model', 'timeout_ms'], 'classifier');
    if (classifier.model !== undefined && classifier.model !== '')
      c.name(classifier.model, 'classifier.model');
    if (classifier.timeout_ms !== undefined)
      c.number(classifier.timeout_ms, 'classifier.timeout_ms', 100, 60_000, true);
  }
  return body;
}

/**
 * A tenant's override over the platform policy: candidate tiers and presets replace per intent
 * (and tier), roles per role, strategy rules as a whole, numbers per field.
 */
export function mergePolicy(
  base: OrchestrationPolicy,
  override: PolicyOverride | undefined,
): OrchestrationPolicy {
  if (!override) return base;
  const candidates = { ...base.candidates };
  for (const [intent, tiers] of Object.entries(override.candidates ?? {}))
    candidates[intent as keyof typeof candidates] = {
      ...base.candidates[intent as keyof typeof candidates],
      ...tiers,
    };
  const presets = { ...base.presets };
  for (const [intent, preset] of Object.entries(override.presets ?? {}))
    presets[intent as keyof typeof presets] = { ...preset };
  return {
    candidates,
    roles: { ...base.roles, ...override.roles },
    strategies: override.strategies ?? base.strategies,
    presets,
    vote: { ...base.vote, ...override.vote },
    selection: { ...base.selection, ...override.selection },
    classifier: { ...base.classifier, ...override.classifier },
  };
}
