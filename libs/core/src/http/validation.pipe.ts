import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import { InvalidRequestError } from '../errors/api-error.js';
import { firstNonText, nonTextError } from './json-body.js';

function firstProblem(
  errors: ValidationError[],
  prefix = '',
): { param: string; message: string } | undefined {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints && Object.keys(e.constraints).length > 0) {
      const message = Object.values(e.constraints)[0] ?? 'is invalid';
      return { param: path, message };
    }
    const nested = firstProblem(e.children ?? [], path);
    if (nested) return nested;
  }
  return undefined;
}

/** `a.b[2]` for the path to a value. */
function join(prefix: string, key: string | number): string {
  if (typeof key === 'number') return `${prefix}[${key}]`;
  return prefix ? `${prefix}.${key}` : key;
}

/**
 * The path of the first null in a validated DTO (nested DTOs too) on a property the DTO does not
 * declare nullable (`@ApiProperty({ nullable: true })`). `@IsOptional()` lets null through as if
 * the field were absent, and a service would then write it into a NOT NULL column; a field where
 * null means something (clear an override) says so, in the OpenAPI document as well.
 */
export function firstUndeclaredNull(value: unknown, path = ''): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = firstUndeclaredNull(item, join(path, i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const proto: unknown = Object.getPrototypeOf(value);
  // Free-form JSON inside a DTO (a plain object) may hold nulls.
  if (proto === Object.prototype || proto === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = join(path, key);
    if (item === null) {
      const meta = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, proto as object, key) as
        { nullable?: boolean } | undefined;
      if (meta?.nullable !== true) return at;
      continue;
    }
    const found = firstUndeclaredNull(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The global validation pipe: whitelisting DTOs, rejecting unknown fields, and reporting the
 * first bad field as an OpenAI 400 with `param` naming it. Before that, path parameters and
 * query strings (which the gateway searches by) must be text Postgres can compare: a NUL or an
 * unpaired surrogate is a 400, never a database error (management API bodies get the same check
 * as they are parsed, see `jsonBodyGuard`). After validation, a null on a DTO field not declared
 * nullable is a 400 too.
 */
class GatewayValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param' || metadata.type === 'query') {
      const param = firstNonText(value, metadata.data ?? '');
      if (param !== undefined) throw nonTextError(param);
    }
    const result: unknown = await super.transform(value, metadata);
    if (metadata.type === 'body') {
      const param = firstUndeclaredNull(result);
      if (param !== undefined) {
        throw new InvalidRequestError(`Invalid type for '${param}': expected a value, but got null.`, {
          param,
          code: 'invalid_value',
        });
      }
    }
    return result;
  }
}

export function createValidationPipe(): ValidationPipe {
  return new GatewayValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const problem = firstProblem(errors);
      if (!problem) return new InvalidRequestError('The request is invalid.');
      // class-validator messages start with the property name; keep them readable as they are.
      return new InvalidRequestError(problem.message, { param: problem.param, code: 'invalid_value' });
    },
  });
}
