import { describe, expect, it } from '@jest/globals';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ContinuationFilter, continuationChunk, continuationMessages } from './stream-continuation.js';

/** Runs pieces of a continuation through a filter, as the stream would, and returns what is sent. */
function join(delivered: string, pieces: string[]): string {
  const sut = new ContinuationFilter(delivered);
  return pieces.map((p) => sut.push(p)).join('') + sut.flush();
}

describe('ContinuationFilter', () => {
  it.each([
    ['a plain continuation passes through', 'echo: a b', [' c', ' d'], ' c d'],
    ['white space at the seam is not doubled', 'echo: a b ', [' c', ' d'], 'c d'],
    ['a model that starts over has the repeat dropped', 'echo: a b', ['echo:', ' a', ' b', ' c'], ' c'],
    ['a repeat split across pieces is still dropped', 'echo: a b ', ['ec', 'ho: a ', 'b c'], 'c'],
    ['text that only looks like the start is sent once it diverges', 'echo: a b', ['echo', ' x'], 'echo x'],
    ['a continuation that ends inside a repeat sends nothing', 'echo: a b', ['echo: a'], ''],
    ['an empty delivered text passes everything', '', ['x', 'y'], 'xy'],
  ])('%s', (_name, delivered, pieces, expected) => {
    expect(join(delivered, pieces)).toBe(expected);
  });
});

describe('continuationMessages', () => {
  it('adds the delivered text as a final assistant turn, without trailing white space', () => {
    expect(continuationMessages([{ role: 'user', content: 'hi' }], 'echo: hi \n')).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'echo: hi' },
    ]);
  });
});

describe('continuationChunk', () => {
  const stream = { id: 'chatcmpl-first', model: 'simulator/sim-gpt-drop-5', created: 1 };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk =>
    ({
      id: 'chatcmpl-second',
      object: 'chat.completion.chunk',
      created: 2,
      model: 'sim-gpt',
      choices: [{ index: 0, delta, finish_reason: finish }],
    }) as ChatCompletionChunk;

  it('takes the first stream’s identity and drops the second role announcement', () => {
    const filter = new ContinuationFilter('echo: a');
    expect(continuationChunk(chunk({ role: 'assistant', content: '' }), stream, filter)).toBeNull();
    const out = continuationChunk(chunk({ content: ' b' }), stream, filter)!;
    expect(out).toMatchObject({ id: 'chatcmpl-first', model: stream.model, created: 1 });
    expect(out.choices[0]!.delta).toEqual({ content: ' b' });
  });

  it('sends what was held back once it proves not to be a repeat, with the finishing chunk', () => {
    const filter = new ContinuationFilter('echo: a b');
    expect(continuationChunk(chunk({ content: 'ech' }), stream, filter)).toBeNull();
    const last = continuationChunk(chunk({ content: 'o!' }, 'stop'), stream, filter)!;
    expect(last.choices[0]!.delta).toEqual({ content: 'echo!' });
    expect(last.choices[0]!.finish_reason).toBe('stop');
  });
});
