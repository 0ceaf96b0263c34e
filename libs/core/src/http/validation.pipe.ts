import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidRequestError } from '../errors/api-error.js';

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

/**
 * The global validation pipe: whitelisting DTOs, rejecting unknown fields, and reporting the
 * first bad field as an OpenAI 400 with `param` naming it.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
