import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatCredits, parseCredits } from '@switchyard/core';
import { UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, seedTenant, type SeededUser } from './support/session.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers carry fields beyond the SDK's types
type Json = Record<string, any>;

const PROMPT = 'Draw a lighthouse and read the answer aloud';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function expectPng(image: Json): void {
  expect(image).toMatchObject({ format: 'png', mime_type: 'image/png', model: 'simulator/sim-image' });
  expect(typeof image.description).toBe('string');
  expect(
    Buffer.from(image.data as string, 'base64')
      .subarray(0, 8)
      .equals(PNG_SIGNATURE),
  ).toBe(true);
}

function expectWav(audio: Json): void {
  expect(audio).toMatchObject({ format: 'wav', voice: 'alloy', model: 'simulator/sim-tts' });
  const wav = Buffer.from(audio.data as string, 'base64');
  expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
  expect(wav.subarray(8, 12).toString('ascii')).toBe('WAVE');
}

describe('orchestration: text + image + audio in one answer (simulator, real Postgres)', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({ env: { SIGNUP_CREDITS: '100' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function tenant(): Promise<{ admin: SeededUser; member: SeededUser; client: OpenAI }> {
    const { admin, member } = await seedTenant(t.gw.url, t.adminToken);
    const { key } = await createApiKey(t.gw.url, member.token);
    return { admin, member, client: t.clientWith(key) };
  }

  async function rows(sql: string, params: unknown[]): Promise<Json[]> {
    await t.gw.app.get(UsageRecorder).flush();
    return t.gw.app.get(DataSource).query(sql, params);
  }

  const balanceOf = async (member: SeededUser) =>
    parseCredits(
      (await request(t.gw.url).get('/api/v1/credits/balance').auth(member.token, { type: 'bearer' })).body
        .balance,
    );

  /** One charge for the request, equal to the sum of its usage records; the ledger verifies. */
  async function expectLedgerIsSumOfSteps(requestId: string, reportedCost: string): Promise<Json[]> {
    const usage = await rows(
      'SELECT model, cost::text AS cost, status FROM usage_records WHERE request_id = $1 ORDER BY id',
      [requestId],
    );
    const charges = await rows(
      "SELECT amount::text AS amount FROM credit_ledger WHERE request_id = $1 AND kind = 'charge'",
      [requestId],
    );
    expect(charges).toHaveLength(1);
    const charged = -BigInt(charges[0]!.amount);
    expect(formatCredits(charged)).toBe(reportedCost);
    expect(usage.reduce((s, r) => s + BigInt(r.cost), 0n)).toBe(charged);
    const verify = await request(t.gw.url)
      .get('/api/v1/credits/verify')
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    expect({ ok: verify.body.ok, mismatches: verify.body.mismatches }).toEqual({ ok: true, mismatches: [] });
    return usage;
  }

  it('explain: a multimodal prompt plans an image and a speech step beside the answer', async () => {
    const res = await request(t.gw.url)
      .post('/api/v1/orchestration/explain')
      .auth(t.adminToken, { type: 'bearer' })
      .send({ messages: [{ role: 'user', content: PROMPT }] })
      .expect(200);
    expect(res.body.classification.outputs).toEqual(['text', 'image', 'audio']);
    expect(res.body.plan.media.map((s: Json) => [s.id, s.role, s.model])).toEqual([
      ['image', 'illustrator', 'simulator/sim-image'],
      ['speech', 'narrator', 'simulator/sim-tts'],
    ]);
  });

  it('answers with text, a PNG and a WAV; the ledger is the sum of the text, image and speech steps', async () => {
    const { client, member } = await tenant();
    const before = await balanceOf(member);
    const requestId = `mm-${randomUUID()}`;
    const res = (await client.chat.completions.create(
      { model: 'auto', messages: [{ role: 'user', content: PROMPT }] },
      { headers: { 'x-request-id': requestId } },
    )) as OpenAI.ChatCompletion & Json;
    const text = res.choices[0]!.message.content!;
    expect(text.length).toBeGreaterThan(0);
    expect(res.images).toHaveLength(1);
    expectPng(res.images[0]);
    expect(res.audio).toHaveLength(1);
    expectWav(res.audio[0]);
    expect(res.moe_metadata.modalities).toEqual({ text: true, images: 1, audio: 1 });
    expect(res.moe_metadata.models_used).toEqual(
      expect.arrayContaining(['simulator/sim-image', 'simulator/sim-tts']),
    );
    expect(res.switchyard.media).toEqual({ images: 1, audio: 1 });
    // The narration read the text answer; the picture was drawn from the request.
    const speech = t.sim.requests.filter((r) => r.path === '/v1/audio/speech').at(-1)!.body as Json;
    expect(speech.input).toBe(text);
    const image = t.sim.requests.filter((r) => r.path === '/v1/images/generations').at(-1)!.body as Json;
    expect(image).toMatchObject({ prompt: PROMPT, response_format: 'b64_json', n: 1 });
    const usage = await expectLedgerIsSumOfSteps(requestId, (res.usage as Json).cost as string);
    expect(usage.map((u) => u.model)).toEqual(
      expect.arrayContaining(['simulator/sim-image', 'simulator/sim-tts']),
    );
    expect(usage).toHaveLength(3);
    // sim-image: 0.04 per image; sim-tts: 15 per million characters.
    expect(usage.find((u) => u.model === 'simulator/sim-image')!.cost).toBe('40000');
    expect(BigInt(usage.find((u) => u.model === 'simulator/sim-tts')!.cost)).toBe(
      BigInt([...text].length) * 15n,
    );
    const steps = res.switchyard.steps as Json[];
    expect(steps.map((s) => s.role)).toEqual(expect.arrayContaining(['answer', 'illustrator', 'narrator']));
    expect(before - (await balanceOf(member))).toBe(parseCredits((res.usage as Json).cost as string));
  });

  it('streams the text, then a last chunk before [DONE] with the images and the audio', async () => {
    const requestId = `mm-${randomUUID()}`;
    const stream = await t.client.chat.completions.create(
      { model: 'auto', stream: true, messages: [{ role: 'user', content: PROMPT }] },
      { headers: { 'x-request-id': requestId } },
    );
    let content = '';
    const chunks: Json[] = [];
    for await (const chunk of stream as AsyncIterable<Json>) {
      chunks.push(chunk);
      content += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(content.length).toBeGreaterThan(0);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expectPng(last.images[0]);
    expectWav(last.audio[0]);
    expect(chunks.slice(0, -1).some((c) => c.images || c.audio)).toBe(false);
    expect(last.moe_metadata.modalities).toEqual({ text: true, images: 1, audio: 1 });
    await expectLedgerIsSumOfSteps(requestId, last.usage.cost as string);
  });

  it('an image step that fails still answers with text and audio, says so, and charges only what ran', async () => {
    const { client } = await tenant();
    const requestId = `mm-${randomUUID()}`;
    // The simulator fails an image prompt with this marker (and only the image call).
    const res = (await client.chat.completions.create(
      { model: 'auto', messages: [{ role: 'user', content: `${PROMPT} [sim-image-fail]` }] },
      { headers: { 'x-request-id': requestId } },
    )) as OpenAI.ChatCompletion & Json;
    expect(res.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(res.images).toBeUndefined();
    expectWav(res.audio[0]);
    expect(res.moe_metadata.modalities).toEqual({ text: true, images: 0, audio: 1 });
    expect(res.switchyard.media.note).toMatch(/the image step failed .*answered without it, not charged/);
    expect(res.switchyard.failures).toEqual([expect.objectContaining({ id: 'image' })]);
    const usage = await expectLedgerIsSumOfSteps(requestId, (res.usage as Json).cost as string);
    const image = usage.filter((u) => u.model === 'simulator/sim-image');
    expect(image.length).toBeGreaterThan(0);
    expect(image.every((u) => u.status === 'error' && u.cost === '0')).toBe(true);
  });

  it('GET /ask?q= returns the images and the audio', async () => {
    const res = await request(t.gw.url).get('/ask').query({ q: PROMPT }).set('x-api-key', t.key).expect(200);
    expect(res.body.text.length).toBeGreaterThan(0);
    expectPng(res.body.images[0]);
    expectWav(res.body.audio[0]);
  });
});
