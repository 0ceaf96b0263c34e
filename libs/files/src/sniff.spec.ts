import { describe, expect, it } from '@jest/globals';
import { htmlToText } from './extract.js';
import { sniff } from './sniff.js';

describe('sniff', () => {
  it('types binaries by their signature, whatever the name says', () => {
    expect(sniff('a.txt', Buffer.from('%PDF-1.7\n...'))).toEqual({ mime: 'application/pdf', textual: true });
    expect(sniff('a.pdf', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))?.mime).toBe(
      'image/png',
    );
    const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')]);
    expect(sniff('x', wav)).toEqual({ mime: 'audio/wav', textual: false });
  });

  it('types UTF-8 text by its name', () => {
    const text = Buffer.from('a,b\n1,2\n');
    expect(sniff('t.csv', text)?.mime).toBe('text/csv');
    expect(sniff('t.md', text)?.mime).toBe('text/markdown');
    expect(sniff('t.json', Buffer.from('{"a":1}'))?.mime).toBe('application/json');
    expect(sniff('page', Buffer.from('<!DOCTYPE html><p>x</p>'))?.mime).toBe('text/html');
    expect(sniff('notes', Buffer.from('héllo'))).toEqual({ mime: 'text/plain', textual: true });
  });

  it('refuses archives, executables and other binary', () => {
    expect(sniff('a.zip', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]))).toBeNull();
    expect(sniff('a', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]))).toBeNull();
    expect(sniff('a.exe', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03]))).toBeNull();
    expect(sniff('a.txt', Buffer.from([0xff, 0xfe, 0xfd]))).toBeNull();
  });
});

describe('htmlToText', () => {
  it('drops scripts, styles and tags and decodes entities', () => {
    expect(
      htmlToText(
        '<html><style>p{}</style><script>alert(1)</script><p>Fish &amp; chips</p><p>&#x263A;</p></html>',
      ),
    ).toBe('Fish & chips\n ☺');
  });
});
