/** Everything the simulator's speech endpoint writes: 16-bit PCM, mono, 16 kHz. */
export const SAMPLE_RATE = 16_000;
const SECONDS_PER_CHARACTER = 0.06;
const MAX_SECONDS = 30;
/** Custom RIFF chunk carrying the spoken text, so a transcription can give it back. */
export const TEXT_CHUNK_ID = 'SYTX';

/** Seconds of audio the simulator produces for a text: 60 ms a character, at most 30 s. */
export function speechSeconds(text: string): number {
  return Math.min(MAX_SECONDS, Math.max(1, [...text].length) * SECONDS_PER_CHARACTER);
}

function riffChunk(id: string, data: Buffer): Buffer {
  const padded = data.length + (data.length % 2);
  const out = Buffer.alloc(8 + padded);
  out.write(id, 0, 'latin1');
  out.writeUInt32LE(data.length, 4);
  data.copy(out, 8);
  return out;
}

/** A sine tone as long as the text takes to say, with the text embedded in a `SYTX` chunk. */
export function encodeSpeechWav(text: string, frequencyHz = 440): Buffer {
  const samples = Math.round(speechSeconds(text) * SAMPLE_RATE);
  const pcm = Buffer.alloc(samples * 2);
  const step = (2 * Math.PI * frequencyHz) / SAMPLE_RATE;
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(Math.sin(i * step) * 0.3 * 32767), i * 2);
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0); // PCM
  fmt.writeUInt16LE(1, 2); // mono
  fmt.writeUInt32LE(SAMPLE_RATE, 4);
  fmt.writeUInt32LE(SAMPLE_RATE * 2, 8); // byte rate
  fmt.writeUInt16LE(2, 12); // block align
  fmt.writeUInt16LE(16, 14); // bits per sample
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    riffChunk('fmt ', fmt),
    riffChunk(TEXT_CHUNK_ID, Buffer.from(text, 'utf8')),
    riffChunk('data', pcm),
  ]);
  const header = Buffer.alloc(8);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** What a WAV file tells about itself; fields are null when the file isn't a (complete) WAV. */
export interface WavInfo {
  text: string | null;
  durationSeconds: number | null;
}

/** Reads the embedded text and the duration of a RIFF/WAVE file; tolerant of foreign chunks. */
export function inspectWav(file: Buffer): WavInfo {
  const info: WavInfo = { text: null, durationSeconds: null };
  if (
    file.length < 12 ||
    file.toString('latin1', 0, 4) !== 'RIFF' ||
    file.toString('latin1', 8, 12) !== 'WAVE'
  ) {
    return info;
  }
  let byteRate = 0;
  let dataBytes = -1;
  for (let at = 12; at + 8 <= file.length;) {
    const id = file.toString('latin1', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    const start = at + 8;
    const end = Math.min(file.length, start + size);
    if (id === 'fmt ' && end - start >= 12) byteRate = file.readUInt32LE(start + 8);
    else if (id === TEXT_CHUNK_ID) info.text = file.toString('utf8', start, end);
    else if (id === 'data') dataBytes = end - start;
    at = start + size + (size % 2);
  }
  if (byteRate > 0 && dataBytes >= 0) info.durationSeconds = dataBytes / byteRate;
  return info;
}
