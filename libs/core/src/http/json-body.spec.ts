import { describe, expect, it } from '@jest/globals';
import { MAX_JSON_DEPTH, firstNonText, nestedDeeperThan } from './json-body.js';

const arrays = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};
const objects = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { a: value, b: null };
  return value;
};

describe('nestedDeeperThan', () => {
  it('counts every array and object level, scalars are not a level', () => {
    expect(nestedDeeperThan('x', 1)).toBe(false);
    expect(nestedDeeperThan({}, 1)).toBe(false);
    expect(nestedDeeperThan({ a: [] }, 1)).toBe(true);
    expect(nestedDeeperThan(arrays(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestedDeeperThan(arrays(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestedDeeperThan(objects(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
  });

  it('walks a body far deeper than the stack would allow without overflowing', () => {
    expect(nestedDeeperThan(arrays(200_000), MAX_JSON_DEPTH)).toBe(true);
  });
});

describe('firstNonText', () => {
  it('finds a NUL or an unpaired surrogate in values and keys, by path', () => {
    expect(firstNonText({ a: 'ok', b: ['fine', 'no\u0000'] })).toBe('b[1]');
    expect(firstNonText({ a: { '\uD800': 1 } })).toBe('a.\uD800');
    expect(firstNonText('x\uDC00', 'id')).toBe('id');
    expect(firstNonText({ emoji: '🚀 é 漢' })).toBeUndefined();
  });
});
