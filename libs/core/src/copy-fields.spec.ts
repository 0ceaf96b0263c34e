import { describe, expect, it } from '@jest/globals';
import { copyFields } from './copy-fields.js';

describe('copyFields', () => {
  it('copies own fields in order, later sources winning, skipping empty sources', () => {
    const copy = copyFields({ a: 1, b: 2 }, undefined, { b: 3, c: 4 }, null);
    expect(copy).toEqual({ a: 1, b: 3, c: 4 });
    expect(Object.keys(copy)).toEqual(['a', 'b', 'c']);
  });

  it("drops a caller's __proto__ field instead of making it the copy's prototype", () => {
    const body = JSON.parse('{"model":"m","__proto__":{"n":64,"max_tokens":999999}}') as object;
    const copy = copyFields(body, { stream: false });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect([copy['n'], copy['max_tokens'], Object.hasOwn(copy, '__proto__')]).toEqual([
      undefined,
      undefined,
      false,
    ]);
    expect(copy).toEqual({ model: 'm', stream: false });
    // What Object.assign would have done with it.
    expect((Object.assign({}, body) as { n?: number }).n).toBe(64);
  });
});
