import { describe, expect, it } from '@jest/globals';
import { timestamp, toSrt, toVtt, worstCaseSeconds } from './audio-duration.js';

describe('audio helpers', () => {
  it('formats SRT and VTT timestamps', () => {
    expect(timestamp(3723.456, ',')).toBe('01:02:03,456');
    expect(timestamp(0.5, '.')).toBe('00:00:00.500');
  });

  it('renders cues', () => {
    const segments = [
      { start: 0, end: 1.5, text: ' Hello ' },
      { start: 1.5, end: 3, text: 'world' },
    ];
    expect(toSrt(segments)).toBe(
      '1\n00:00:00,000 --> 00:00:01,500\nHello\n\n2\n00:00:01,500 --> 00:00:03,000\nworld\n',
    );
    expect(toVtt(segments)).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello\n\n00:00:01.500 --> 00:00:03.000\nworld\n',
    );
  });

  it('bounds the duration: exact for WAV, generous otherwise', () => {
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'latin1');
    header.write('WAVE', 8, 'latin1');
    header.writeUInt32LE(32_000, 28); // 16 kHz, 16-bit mono
    const wav = Buffer.concat([header, Buffer.alloc(64_000)]);
    expect(worstCaseSeconds(wav)).toBe(3);
    expect(worstCaseSeconds(Buffer.alloc(20_000))).toBe(11);
  });
});
