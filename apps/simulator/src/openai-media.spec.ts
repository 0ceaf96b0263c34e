import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { inflateSync } from 'node:zlib';
import OpenAI, { toFile } from 'openai';
import { startSimulator } from './index.js';
import type { Simulator } from './index.js';

const norm = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** Checks signature, IHDR and that IDAT inflates to the declared scanlines. */
function inspectPng(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  expect(inflateSync(Buffer.concat(idat)).length).toBe(height * (width * 3 + 1));
  expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');
  return { width, height };
}

describe('simulator: OpenAI embeddings, images, audio, models', () => {
  let sim: Simulator;
  let client: OpenAI;

  beforeAll(async () => {
    sim = await startSimulator();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${sim.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('embeds deterministically; float and base64 describe the same unit vector', async () => {
    const asFloat = await client.embeddings.create({
      model: 'sim-embed',
      input: ['hello', 'world'],
      encoding_format: 'float',
    });
    expect(asFloat.data).toHaveLength(2);
    const [hello, world] = asFloat.data.map((d) => d.embedding);
    expect(hello).toHaveLength(1536);
    expect(norm(hello!)).toBeCloseTo(1, 5);
    expect(hello).not.toEqual(world);
    expect(asFloat.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });

    // Without encoding_format the SDK asks for base64 and decodes it itself.
    const decodedBySdk = await client.embeddings.create({ model: 'sim-embed', input: 'hello' });
    expect(decodedBySdk.data[0]!.embedding).toEqual(hello);

    const raw = await client.embeddings.create({
      model: 'sim-embed',
      input: 'hello',
      encoding_format: 'base64',
    });
    const bytes = Buffer.from(raw.data[0]!.embedding as unknown as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(hello);
  });

  it('honours dimensions and accepts token arrays', async () => {
    const res = await client.embeddings.create({
      model: 'sim-embed',
      input: [
        [1, 2, 3],
        [4, 5],
      ],
      dimensions: 8,
      encoding_format: 'float',
    });
    expect(res.data.map((d) => d.embedding.length)).toEqual([8, 8]);
    expect(norm(res.data[0]!.embedding)).toBeCloseTo(1, 5);
    expect(res.usage.prompt_tokens).toBe(5);
  });

  it('generates real PNGs as b64_json and as URLs it serves', async () => {
    const res = await client.images.generate({
      model: 'sim-image',
      prompt: 'a red fox',
      n: 2,
      size: '1024x512',
      response_format: 'b64_json',
    });
    expect(res.data).toHaveLength(2);
    expect(res.data![0]!.revised_prompt).toBe('a red fox');
    const png = Buffer.from(res.data![0]!.b64_json!, 'base64');
    expect(inspectPng(png)).toEqual({ width: 256, height: 128 });

    const byUrl = await client.images.generate({
      model: 'sim-image',
      prompt: 'a red fox',
      size: '1024x512',
      response_format: 'url',
    });
    const url = byUrl.data![0]!.url!;
    expect(url.startsWith(`${sim.url}/v1/files-sim/images/`)).toBe(true);
    const fetched = await fetch(url);
    expect(fetched.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(png);
  });

  it('round-trips speech through transcription in every response format', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const speech = await client.audio.speech.create({ model: 'sim-tts', input: text, voice: 'alloy' });
    expect(speech.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await speech.arrayBuffer());
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.toString('latin1', 8, 12)).toBe('WAVE');
    const seconds = text.length * 0.06;
    // 16 kHz mono 16-bit: 32,000 bytes a second plus headers and the text chunk.
    expect(wav.length).toBeGreaterThan(seconds * 32_000);
    expect(wav.length).toBeLessThan(seconds * 32_000 + 200);

    const file = async (): Promise<File> => toFile(wav, 'speech.wav', { type: 'audio/wav' });
    const json = await client.audio.transcriptions.create({ model: 'sim-whisper', file: await file() });
    expect(json.text).toBe(text);

    const plain = await client.audio.transcriptions.create({
      model: 'sim-whisper',
      file: await file(),
      response_format: 'text',
    });
    expect(plain).toBe(text);

    const verbose = await client.audio.transcriptions.create({
      model: 'sim-whisper',
      file: await file(),
      response_format: 'verbose_json',
      language: 'en',
    });
    expect(verbose.text).toBe(text);
    expect(verbose.language).toBe('en');
    expect(verbose.duration).toBeCloseTo(seconds, 2);
    expect(verbose.segments).toHaveLength(1);
    expect(verbose.segments![0]).toMatchObject({ id: 0, start: 0, text, tokens: encode(text) });

    const srt = await client.audio.transcriptions.create({
      model: 'sim-whisper',
      file: await file(),
      response_format: 'srt',
    });
    expect(srt).toBe(`1\n00:00:00,000 --> 00:00:02,640\n${text}\n\n`);

    const vtt = await client.audio.transcriptions.create({
      model: 'sim-whisper',
      file: await file(),
      response_format: 'vtt',
    });
    expect(vtt).toBe(`WEBVTT\n\n00:00:00.000 --> 00:00:02.640\n${text}\n\n`);
  });

  it('describes files it did not produce by name and size', async () => {
    const res = await client.audio.transcriptions.create({
      model: 'sim-whisper',
      file: await toFile(Buffer.alloc(3200, 1), 'memo.mp3', { type: 'audio/mpeg' }),
    });
    expect(res.text).toBe('transcript of memo.mp3 (3200 bytes)');
    const recorded = sim.requests.at(-1)!;
    expect(recorded.model).toBe('sim-whisper');
    expect(recorded.body).toEqual({
      fields: { model: 'sim-whisper' },
      files: [{ name: 'file', filename: 'memo.mp3', bytes: 3200, mime: 'audio/mpeg' }],
    });
  });

  it('lists models and retrieves one', async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining(['sim-gpt', 'sim-embed', 'sim-image', 'sim-tts', 'sim-whisper']),
    );
    const model = await client.models.retrieve('sim-gpt');
    expect(model).toMatchObject({ id: 'sim-gpt', object: 'model' });
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
