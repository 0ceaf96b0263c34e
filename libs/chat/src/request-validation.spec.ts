import { describe, expect, it } from '@jest/globals';
import { InvalidRequestError } from '@switchyard/core';
import { compileValidator } from './request-validation.js';

const nullable = (schema: object) => ({ anyOf: [{ type: 'null' }, schema] });

const sut = compileValidator({
  type: 'object',
  anyOf: [{ required: ['model'] }, { required: ['route'] }],
  properties: {
    model: { type: 'string' },
    route: { type: 'string' },
    max_tokens: nullable({ type: 'integer', minimum: 1 }),
    temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
    n: { type: 'integer', minimum: 1, maximum: 128 },
    bias: { type: 'number', exclusiveMinimum: 0 },
    verbosity: nullable({ enum: ['low', 'high'] }),
    stop: {
      anyOf: [
        { type: 'null' },
        { type: 'string' },
        { type: 'array', maxItems: 2, items: { type: 'string' } },
      ],
    },
    user: { type: 'string', minLength: 2, maxLength: 4 },
    content: { type: ['string', 'array'] },
    call: nullable({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }),
    flag: { const: false },
    metadata: { type: 'object', propertyNames: { maxLength: 3 } },
    either: { oneOf: [{ type: 'string' }, { type: 'string', minLength: 1 }] },
  },
});

function refusal(body: Record<string, unknown>): { param: string | null; message: string } {
  try {
    sut({ model: 'm', ...body });
  } catch (error) {
    if (error instanceof InvalidRequestError) return { param: error.param, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('compileValidator: the message of a value no branch of an anyOf takes', () => {
  it('reports the branch of the value’s type: -3 for `null | integer >= 1` is below the minimum', () => {
    expect(refusal({ max_tokens: -3 })).toEqual({
      param: 'max_tokens',
      message:
        "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got -3 instead.",
    });
    expect(refusal({ temperature: 5 }).message).toBe(
      "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 5 instead.",
    );
    expect(refusal({ verbosity: 'mid' }).message).toBe(
      "Invalid value for 'verbosity': expected one of 'low', 'high'.",
    );
    expect(refusal({ stop: ['a', 'b', 'c'] }).message).toBe(
      "Invalid 'stop': array too long. Expected an array with maximum length 2, but got an array with length 3 instead.",
    );
    expect(refusal({ stop: ['a', 1] })).toEqual({
      param: 'stop[1]',
      message: "Invalid type for 'stop[1]': expected string, but got integer.",
    });
    expect(refusal({ call: {} })).toEqual({
      param: 'call.name',
      message: "Missing required parameter: 'call.name'.",
    });
  });

  it('names every branch’s type, null last, when the value has none of them', () => {
    expect(refusal({ temperature: 'hot' }).message).toBe(
      "Invalid type for 'temperature': expected number or null, but got string.",
    );
    expect(refusal({ max_tokens: 1.5 }).message).toBe(
      "Invalid type for 'max_tokens': expected integer or null, but got number.",
    );
    expect(refusal({ stop: 5 }).message).toBe(
      "Invalid type for 'stop': expected string, array or null, but got integer.",
    );
    expect(refusal({ call: 'f' }).message).toBe(
      "Invalid type for 'call': expected object or null, but got string.",
    );
  });

  it('reports the first branch when the value fits several, as a missing model', () => {
    try {
      sut({});
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).message).toBe("Missing required parameter: 'model'.");
      expect((error as InvalidRequestError).param).toBe('model');
    }
  });

  it('says what a oneOf wants when more than one branch took the value', () => {
    expect(refusal({ either: 'x' })).toEqual({
      param: 'either',
      message: "Invalid value for 'either': must match exactly one schema in oneOf.",
    });
  });
});

describe('compileValidator: messages outside an anyOf', () => {
  it('states a bound with the value it got', () => {
    expect(refusal({ n: 0 }).message).toBe(
      "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.",
    );
    expect(refusal({ n: 129 }).message).toBe(
      "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 129 instead.",
    );
    expect(refusal({ bias: 0 }).message).toBe(
      "Invalid 'bias': decimal below minimum value. Expected a value > 0, but got 0 instead.",
    );
  });

  it('states a length in characters, an astral one counting once', () => {
    expect(refusal({ user: 'a' }).message).toBe(
      "Invalid 'user': string too short. Expected a string with minimum length 2, but got a string with length 1 instead.",
    );
    expect(refusal({ user: '🚀🚀🚀🚀🚀' }).message).toBe(
      "Invalid 'user': string too long. Expected a string with maximum length 4, but got a string with length 5 instead.",
    );
  });

  it('names the types of a type list, a constant and a bad key', () => {
    expect(refusal({ content: null }).message).toBe(
      "Invalid type for 'content': expected string or array, but got null.",
    );
    expect(refusal({ flag: true }).message).toBe("Invalid value for 'flag': expected false.");
    expect(refusal({ metadata: { long: 'x' } }).param).toBe('metadata');
  });

  it('refuses a body that is not an object', () => {
    expect(() => sut([])).toThrow('The request body must be a JSON object.');
  });
});
