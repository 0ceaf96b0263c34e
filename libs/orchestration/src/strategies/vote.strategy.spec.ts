import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { majorityOf, normaliseAnswer } from './vote.strategy.js';

describe('normaliseAnswer (what a vote compares)', () => {
  it.each([
    ['Paris', 'paris'],
    ['  "Paris."  ', 'paris'],
    ['**Paris**!', 'paris'],
    ['The answer is:\n\n  42 .', 'the answer is: 42'],
    ['...', ''],
    ['"?"', ''],
    ['Is it 4? Yes.', 'is it 4? yes'],
    ['.Paris', '.paris'],
  ])('%j reads %j', (answer, expected) => {
    expect(normaliseAnswer(answer)).toBe(expected);
  });

  // A voter's answer is model output the caller can steer. The old trailing pattern tried every
  // start inside a run of punctuation: 40,000 dots before a letter took 0.9 s, a megabyte would
  // take ten minutes. Run inside a 5 s budget that can stop it (jest's timeout cannot).
  it('trims a megabyte of punctuation followed by a letter in linear time', () => {
    const answer = `${'.'.repeat(1024 * 1024)}x`;
    const normalised = runInNewContext(
      'normaliseAnswer(answer)',
      { normaliseAnswer, answer },
      { timeout: 5_000 },
    );
    expect(normalised).toBe(answer);
  });
});

describe('majorityOf', () => {
  it('counts answers that differ only in case, spacing and trailing punctuation as one', () => {
    expect(majorityOf(['Paris.', 'paris', 'Lyon'])).toEqual({ answer: 'Paris.', votes: 2 });
  });

  it('has no majority when no answer has more than half', () => {
    expect(majorityOf(['a', 'b'])).toBeUndefined();
  });
});
