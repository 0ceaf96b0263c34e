import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { InvalidRequestError } from '../errors/api-error.js';

/**
 * The deepest nesting of arrays and objects a JSON body may have. A body far deeper than any
 * real request (a JSON schema in `response_format` or `tools` is a few levels) would make the
 * recursive code that reads it (class-transformer, validators, mappers) overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests arrays and objects more than `max` levels deep (walked without recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** A NUL character, or half of a surrogate pair without its other half. */
// eslint-disable-next-line no-control-regex
const NOT_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `a.b[2]` for the path to a value. */
function join(prefix: string, key: string | number): string {
  if (typeof key === 'number') return `${prefix}[${key}]`;
  return prefix ? `${prefix}.${key}` : key;
}

/**
 * The path of the first string (value or key) in `value` that Postgres cannot store or compare:
 * text with a NUL, or with an unpaired surrogate (no UTF-8 form). Recursive: walk only values
 * whose depth is bounded (a body within {@link MAX_JSON_DEPTH}, a query string).
 */
export function firstNonText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return NOT_TEXT.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = firstNonText(item, join(path, i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const at = join(path, key);
      if (NOT_TEXT.test(key)) return at;
      const found = firstNonText(item, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The 400 for text that is not text, naming where it is. */
export function nonTextError(param: string): InvalidRequestError {
  return new InvalidRequestError(
    `Invalid value for '${param || 'body'}': text must be valid Unicode without NUL characters.`,
    { param: param || null, code: 'invalid_value' },
  );
}

/**
 * Checks a parsed JSON body: nested at most {@link MAX_JSON_DEPTH} levels (400 `invalid_json`),
 * and, with `text`, every string is text Postgres can store (400 naming the field). The
 * management API stores what it is sent; /v1 prompts go to providers, where a NUL is content.
 */
export function jsonBodyGuard(options: { text: boolean }): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null) return next();
    if (nestedDeeperThan(body, MAX_JSON_DEPTH)) {
      return next(
        new InvalidRequestError(`The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`, {
          code: 'invalid_json',
        }),
      );
    }
    if (options.text) {
      const param = firstNonText(body);
      if (param !== undefined) return next(nonTextError(param));
    }
    next();
  };
}
