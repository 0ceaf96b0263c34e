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

/** The value at a JSON pointer (`/messages/0/content`) of `body`. */
function valueAt(body: unknown, pointer: string): unknown {
  let value = body;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function messageOf(error: ErrorObject, param: string, body: unknown): string {
  switch (error.keyword) {
    case 'required':
      return `Missing required parameter: '${param}'.`;
    case 'enum':
      return `Invalid value for '${param}': expected one of ${(
        error.params as { allowedValues: unknown[] }
      ).allowedValues
        .map((v) => `'${String(v)}'`)
        .join(', ')}.`;
    case 'type': {
      const expected = ([] as string[]).concat((error.params as { type: string | string[] }).type);
      const got = jsonTypeOf(valueAt(body, error.instancePath));
      return `Invalid type for '${param}': expected ${expected.join(' or ')}, but got ${got}.`;
    }
    case 'minItems':
      return `Invalid '${param}': expected at least ${(error.params as { limit: number }).limit} item(s).`;
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

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });

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
      const error = validate.errors![0]!;
      const param = paramOf(error);
      throw new InvalidRequestError(messageOf(error, param, body), { param, code: 'invalid_value' });
    }
    return body as T;
  };
}
