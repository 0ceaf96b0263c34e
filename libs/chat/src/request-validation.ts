import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InvalidRequestError } from '@switchyard/core';

/** `/messages/2/role` -> `messages[2].role`, as OpenAI names parameters. */
function paramOf(error: ErrorObject): string {
  const parts = error.instancePath.split('/').filter(Boolean);
  if (error.keyword === 'required')
    parts.push(String((error.params as { missingProperty: string }).missingProperty));
  if (error.keyword === 'additionalProperties') {
    parts.push(String((error.params as { additionalProperty: string }).additionalProperty));
  }
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** The JSON type of a value, as an error message names it. */
function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** `a`, `a or b`, `a, b or c`. */
function orList(words: string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

const typesOf = (error: ErrorObject): string[] =>
  ([] as string[]).concat((error.params as { type: string | string[] }).type);

/**
 * The error to report of a failed validation. ajv (without `allErrors`) stops at the first keyword
 * that fails, so that keyword's error comes last and every error before it is from its subschemas:
 * the branches of an anyOf or oneOf, the name of a propertyNames.
 */
function reportedError(errors: ErrorObject[]): ErrorObject {
  const failed = errors.at(-1)!;
  const inner = errors.slice(0, -1);
  if (!inner.length) return failed;
  if (failed.keyword === 'anyOf' || failed.keyword === 'oneOf')
    return branchError(failed, inner) ?? errors[0]!;
  return reportedError(inner);
}

/**
 * The error of the branch meant, for a value that matched no branch of an anyOf or oneOf: the
 * first whose own `type` the value has (for -3 against `null | integer >= 1`, the minimum), or,
 * when the value has none of their types, one type error that names them all. Undefined when the
 * branches cannot be told apart (a `$ref` elsewhere).
 */
function branchError(failed: ErrorObject, inner: ErrorObject[]): ErrorObject | undefined {
  const prefix = `${failed.schemaPath}/`;
  const branches = new Map<string, ErrorObject[]>();
  for (const error of inner) {
    if (!error.schemaPath.startsWith(prefix)) return undefined;
    const branch = error.schemaPath.slice(prefix.length).split('/')[0]!;
    branches.set(branch, [...(branches.get(branch) ?? []), error]);
  }
  const ownType = (branch: string, errors: ErrorObject[]) =>
    errors.find((e) => e.keyword === 'type' && e.schemaPath === `${prefix}${branch}/type`);
  const types = new Set<string>();
  for (const [branch, errors] of branches) {
    const typeError = ownType(branch, errors);
    if (!typeError) return reportedError(errors);
    for (const type of typesOf(typeError)) types.add(type);
  }
  // null last: "expected integer or null" reads as what the caller meant to send.
  const expected = [...types].sort((a, b) => Number(a === 'null') - Number(b === 'null'));
  return { ...failed, keyword: 'type', params: { type: expected } };
}

/** What a bound is on (`integer below minimum value`), as OpenAI says it. */
function boundOf(error: ErrorObject): string {
  const { type } = (error.parentSchema ?? {}) as { type?: unknown };
  const kind = type === 'integer' ? 'integer' : 'decimal';
  return error.keyword.toLowerCase().endsWith('minimum')
    ? `${kind} below minimum value`
    : `${kind} above maximum value`;
}

function messageOf(error: ErrorObject, param: string): string {
  switch (error.keyword) {
    case 'required':
      return `Missing required parameter: '${param}'.`;
    case 'enum':
      return `Invalid value for '${param}': expected one of ${(
        error.params as { allowedValues: unknown[] }
      ).allowedValues
        .map((v) => `'${String(v)}'`)
        .join(', ')}.`;
    case 'const':
      return `Invalid value for '${param}': expected ${JSON.stringify(
        (error.params as { allowedValue: unknown }).allowedValue,
      )}.`;
    case 'type':
      return `Invalid type for '${param}': expected ${orList(typesOf(error))}, but got ${jsonTypeOf(error.data)}.`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const { comparison, limit } = error.params as { comparison: string; limit: number };
      return `Invalid '${param}': ${boundOf(error)}. Expected a value ${comparison} ${limit}, but got ${String(
        error.data,
      )} instead.`;
    }
    case 'minLength':
    case 'maxLength': {
      const shorter = error.keyword === 'minLength';
      return `Invalid '${param}': string too ${shorter ? 'short' : 'long'}. Expected a string with ${
        shorter ? 'minimum' : 'maximum'
      } length ${(error.params as { limit: number }).limit}, but got a string with length ${
        [...String(error.data)].length
      } instead.`;
    }
    case 'minItems':
      return `Invalid '${param}': expected at least ${(error.params as { limit: number }).limit} item(s).`;
    case 'maxItems':
      return `Invalid '${param}': array too long. Expected an array with maximum length ${
        (error.params as { limit: number }).limit
      }, but got an array with length ${(error.data as unknown[]).length} instead.`;
    case 'additionalProperties':
      return `Unrecognized request argument supplied: ${param}.`;
    case 'pattern':
      return `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '${
        (error.params as { pattern: string }).pattern
      }'.`;
    default:
      return `Invalid value for '${param}': ${error.message ?? 'not allowed'}.`;
  }
}

/**
 * verbose: each error carries the value (`data`) and its schema, which the messages quote.
 *
 * inlineRefs off: a `$ref` gets a function of its own instead of being copied into its user. V8
 * does not optimize a function past 60 KB of bytecode, and a request schema inlined whole is past
 * it (the chat schema's was 76 KB): every call then ran the validator in the interpreter, about
 * six times slower. The large schemas name their repeated parts (a message) under `$defs`, and
 * `generatedSources` below lets a test hold every function under the limit. No `$ref` may sit
 * anywhere beneath an `anyOf` or `oneOf`: a referenced function's errors carry schema paths from
 * its own root (`#/...`), so `branchError` could not tell the branch they came from.
 */
const ajv = new Ajv({
  allErrors: false,
  strict: false,
  coerceTypes: false,
  verbose: true,
  inlineRefs: false,
});

/**
 * The source of every function ajv generates for a schema (its own and its `$ref`s'), for the test
 * that keeps each one small enough for V8 to optimize. Compiles the schema apart from the validators.
 */
export function generatedSources(schema: object): string[] {
  const sources = new Ajv({ ...ajv.opts, code: { source: true } });
  type Generated = ValidateFunction & {
    source?: {
      validateCode: string;
      scopeValues: {
        validate?: Iterable<{ value?: { ref?: Generated } }>;
        // A function still being compiled when referred to (a recursive `$ref`) is reached
        // through its schema environment.
        wrapper?: Iterable<{ value?: { ref?: { validate?: Generated } } }>;
      };
    };
  };
  const seen = new Set<Generated>();
  const walk = (fn: Generated | undefined): void => {
    if (!fn?.source || seen.has(fn)) return;
    seen.add(fn);
    for (const name of fn.source.scopeValues.validate ?? []) walk(name.value?.ref);
    for (const name of fn.source.scopeValues.wrapper ?? []) walk(name.value?.ref?.validate);
  };
  walk(sources.compile(schema) as Generated);
  return [...seen].map((fn) => fn.source!.validateCode);
}

/**
 * Compiles a JSON schema once (at module load) into a validator that throws the OpenAI 400 with
 * `param` naming the first bad field. Unknown top-level fields pass through to the provider, as
 * OpenAI adds parameters faster than gateways do.
 */
export function compileValidator<T>(schema: object): (body: unknown) => T {
  const validate: ValidateFunction = ajv.compile(schema);
  return (body: unknown): T => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidRequestError('The request body must be a JSON object.', { code: 'invalid_body' });
    }
    if (!validate(body)) {
      const error = reportedError(validate.errors!);
      const param = paramOf(error);
      throw new InvalidRequestError(messageOf(error, param), { param, code: 'invalid_value' });
    }
    return body as T;
  };
}
