import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI, { toFile } from 'openai';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, seedTenant } from './support/session.js';

const TEXT = 'Hello from Switchyard';

describe('/v1/audio through the official openai SDK', () => {
  let t: LlmGateway;
  let wav: Buffer;
  beforeAll(async () => {
    t = await startLlmGateway({ env: { SIGNUP_CREDITS: '0' } });
    await request(t.gw.url)
      .post('/api/v1/credits/grants')
      .auth(t.adminToken, { type: 'bearer' })
      .set('idempotency-key', randomUUID())
      .send({ user_id: t.member.id, amount: '10', reason: 'test funding' })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('speaks: WAV bytes back, charged per character', async () => {
    const { data, response } = await t.client.audio.speech
      .create({ model: 'simulator/sim-tts', input: TEXT, voice: 'alloy' })
      .withResponse();
    wav = Buffer.from(await data.arrayBuffer());
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.subarray(8, 12).toString('latin1')).toBe('WAVE');
    expect(response.headers.get('content-type')).toBe('audio/wav');
    // 21 characters at 15 credits per million.
    expect(response.headers.get('x-switchyard-cost')).toBe('0.000315');
  });

  it('transcribes what it spoke (json, text, verbose_json, srt, vtt), charged per second', async () => {
    const file = () => toFile(wav, 'hello.wav', { type: 'audio/wav' });
    const json = await t.client.audio.transcriptions
      .create({ model: 'simulator/sim-whisper', file: await file() })
      .withResponse();
    expect(json.data.text).toBe(TEXT);
    // 21 characters × 60 ms = 1.26 s at 0.006 per minute.
    expect(json.response.headers.get('x-switchyard-cost')).toBe('0.000126');

    const text = await t.client.audio.transcriptions.create({
      model: 'simulator/sim-whisper',
      file: await file(),
      response_format: 'text',
    });
    expect(text).toBe(TEXT);

    const verbose = await t.client.audio.transcriptions.create({
      model: 'simulator/sim-whisper',
      file: await file(),
      response_format: 'verbose_json',
    });
    expect(verbose.text).toBe(TEXT);
    expect(verbose.duration).toBeCloseTo(1.26, 2);
    expect(verbose.segments?.length).toBeGreaterThan(0);

    const srt = await t.client.audio.transcriptions.create({
      model: 'simulator/sim-whisper',
      file: await file(),
      response_format: 'srt',
    });
    expect(srt).toMatch(/^1\n00:00:00,000 --> 00:00:01,260\nHello from Switchyard\n/);

    const vtt = await t.client.audio.transcriptions.create({
      model: 'simulator/sim-whisper',
      file: await file(),
      response_format: 'vtt',
    });
    expect(vtt).toMatch(/^WEBVTT\n\n00:00:00\.000 --> 00:00:01\.260\nHello from Switchyard\n/);
  });

  it('refuses bad input with a 4xx and calls nothing upstream', async () => {
    t.sim.clearRequests();
    const e1 = await t.client.audio.speech
      .create({ model: 'simulator/sim-tts', input: '', voice: 'alloy' })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
    expect(e1?.status).toBe(400);
    const e2 = await t.client.audio.speech
      .create({ model: 'simulator/sim-gpt', input: 'hi', voice: 'alloy' })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
    expect(e2?.status).toBe(400);
    const e3 = await t.client.audio.transcriptions
      .create({ model: 'simulator/sim-whisper', file: await toFile(Buffer.alloc(0), 'a.wav') })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
    expect(e3?.status).toBe(400);
    await request(t.gw.url)
      .post('/v1/audio/transcriptions')
      .auth(t.key, { type: 'bearer' })
      .field('model', 'simulator/sim-whisper')
      .expect(400);
    expect(t.sim.requests).toHaveLength(0);
  });

  it('answers 402 to an unfunded caller for speech and transcription, with nothing sent upstream', async () => {
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    const client = t.clientWith((await createApiKey(t.gw.url, member.token)).key);
    t.sim.clearRequests();
    const spoken = await client.audio.speech
      .create({ model: 'simulator/sim-tts', input: TEXT, voice: 'alloy' })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
    expect(spoken?.status).toBe(402);
    const heard = await client.audio.transcriptions
      .create({ model: 'simulator/sim-whisper', file: await toFile(wav, 'hello.wav', { type: 'audio/wav' }) })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
    expect(heard?.status).toBe(402);
    expect(t.sim.requests).toHaveLength(0);
  });
});
