import { describe, expect, it } from '@jest/globals';
import { InvalidRequestError } from '@switchyard/core';
import {
  detectFormat,
  parseCsv,
  parseImport,
  parseJson,
  parseLines,
  splitCsvLine,
} from './key-import.parser.js';

describe('key import parser', () => {
  it('detects the format', () => {
    expect(detectFormat('  [ "a" ]')).toBe('json');
    expect(detectFormat('provider,key\nopenai,sk-1')).toBe('csv');
    expect(detectFormat('key\nsk-1')).toBe('csv');
    expect(detectFormat('sk-1\nsk-2\n')).toBe('lines');
  });

  it('reads one key per line, skipping blanks and comments, keeping line numbers', () => {
    expect(parseLines('# keys\nsk-aaaa\n\n  sk-bbbb  \r\n')).toEqual([
      { line: 2, key: 'sk-aaaa' },
      { line: 4, key: 'sk-bbbb' },
    ]);
  });

  it('reads CSV with quotes, and marks malformed rows', () => {
    const rows = parseCsv(
      [
        'provider,key,name',
        'openai,sk-one,"first, quoted"',
        '',
        'groq,"sk-two",second',
        'openai,sk-three',
        'openai,"sk-four,name',
        'openai,sk-five,"a ""quote"""',
      ].join('\n'),
    );
    expect(rows).toEqual([
      { line: 2, provider: 'openai', key: 'sk-one', name: 'first, quoted' },
      { line: 4, provider: 'groq', key: 'sk-two', name: 'second' },
      { line: 5, problem: 'malformed CSV row: 2 fields, the header has 3' },
      { line: 6, problem: 'malformed CSV row: unbalanced quotes' },
      { line: 7, provider: 'openai', key: 'sk-five', name: 'a "quote"' },
    ]);
  });

  it('needs a CSV header with a key column', () => {
    expect(() => parseCsv('provider,name\nopenai,x')).toThrow(InvalidRequestError);
  });

  it('splits CSV lines per RFC 4180', () => {
    expect(splitCsvLine('a,"b,c",,"d""e"')).toEqual(['a', 'b,c', '', 'd"e']);
    expect(splitCsvLine('a,"b"x')).toBeNull();
    expect(splitCsvLine('a,b"c')).toBeNull();
  });

  it('reads JSON arrays of keys or objects', () => {
    expect(parseJson('["sk-1", {"provider":"openai","api_key":"sk-2","name":"n"}, 42, {"key": 7}]')).toEqual([
      { line: 1, key: 'sk-1' },
      { line: 2, provider: 'openai', key: 'sk-2', name: 'n' },
      { line: 3, problem: 'malformed item: expected a key, or an object with "key"' },
      { line: 4, problem: 'malformed item: "key" must be a string' },
    ]);
    expect(() => parseJson('{"key":"x"}')).toThrow(InvalidRequestError);
    expect(() => parseJson('[nope')).toThrow(InvalidRequestError);
  });

  it('honours an explicit format', () => {
    expect(parseImport('a,b', 'lines')).toEqual([{ line: 1, key: 'a,b' }]);
  });
});
