import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createApiKey } from './support/session.js';
import { minimalPdf } from './support/pdf.js';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Hyper AI Gateway's own endpoints (docs/compat.md): generate-text and vision/extract-text. */
describe('compat: Hyper AI Gateway', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });
  const auth = () => ({ authorization: `Bearer ${t.key}` });

  it('POST /api/v1/chat/generate-text with a prompt answers a chat.completion with its text, charged', async () => {
    const res = await request(t.gw.url)
      .post('/api/v1/chat/generate-text')
      .set(auth())
      .send({ prompt: 'Write one short line about gateways', model: 'simulator/sim-gpt' });
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('chat.completion');
    expect(res.body.text).toBe(res.body.choices[0].message.content);
    expect(res.body.text.length).toBeGreaterThan(0);
    expect(res.headers['x-switchyard-model']).toBe('simulator/sim-gpt');
    expect(Number(res.headers['x-switchyard-cost'])).toBeGreaterThan(0);
    expect(res.body.usage.cost).toBe(res.headers['x-switchyard-cost']);
  });

  it('generate-text takes messages, defaults the model, and streams', async () => {
    const messages = await request(t.gw.url)
      .post('/api/v1/chat/generate-text')
      .set(auth())
      .send({ messages: [{ role: 'user', content: 'Hello' }] });
    expect(messages.status).toBe(200);
    expect(messages.body.model).toEqual(expect.stringContaining('/'));
    const stream = await request(t.gw.url)
      .post('/api/v1/chat/generate-text')
      .set(auth())
      .send({ prompt: 'Hello', model: 'simulator/sim-gpt', stream: true });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toContain('text/event-stream');
    expect(stream.text).toContain('chat.completion.chunk');
    expect(stream.text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('generate-text refuses like its canonical route: 400, 401, 402, 429', async () => {
    const none = await request(t.gw.url)
      .post('/api/v1/chat/generate-text')
      .set(auth())
      .send({ model: 'simulator/sim-gpt' });
    expect(none.status).toBe(400);
    expect(none.body.error.param).toBe('prompt');
    const both = await request(t.gw.url)
      .post('/api/v1/chat/generate-text')
      .set(auth())
      .send({ prompt: 'a', messages: [{ role: 'user', content: 'b' }] });
    expect(both.status).toBe(400);
    const anonymous = await request(t.gw.url).post('/api/v1/chat/generate-text').send({ prompt: 'hi' });
    expect(anonymous.status).toBe(401);
    const { key: poor } = await createApiKey(t.gw.url, t.member.token, { credit_budget: '0.000001' });
    const broke = await request(t.gw.url)
      .post('/api/v1/chat/generate-text')
      .set('authorization', `Bearer ${poor}`)
      .send({ prompt: 'hello', model: 'simulator/sim-gpt' });
    expect(broke.status).toBe(402);
    const { key: slow } = await createApiKey(t.gw.url, t.member.token, { rpm: 1 });
    const call = () =>
      request(t.gw.url)
        .post('/api/v1/chat/generate-text')
        .set('authorization', `Bearer ${slow}`)
        .send({ prompt: 'hello', model: 'simulator/sim-gpt' });
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(429);
  });

  it('POST /api/v1/vision/extract-text reads an uploaded image with a vision model', async () => {
    const res = await request(t.gw.url)
      .post('/api/v1/vision/extract-text')
      .set(auth())
      .attach('file', PNG, 'scan.png');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'text_extraction', text: expect.any(String) });
    expect(res.body.model).toBe(res.headers['x-switchyard-model']);
    expect(Number(res.headers['x-switchyard-cost'])).toBeGreaterThan(0);
    expect(res.body.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('extract-text takes an image_url (JSON), a prompt and a model, and a PDF', async () => {
    const url = await request(t.gw.url)
      .post('/api/v1/vision/extract-text')
      .set(auth())
      .send({
        image_url: `data:image/png;base64,${PNG.toString('base64')}`,
        prompt: 'Read the label',
        model: 'simulator-gemini/sim-gemini',
      });
    expect(url.status).toBe(200);
    expect(url.body.model).toBe('simulator-gemini/sim-gemini');
    const pdf = await request(t.gw.url)
      .post('/api/v1/vision/extract-text')
      .set(auth())
      .field('model', 'simulator-anthropic/sim-claude')
      .attach('file', minimalPdf('Invoice 42'), 'invoice.pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.body.model).toBe('simulator-anthropic/sim-claude');
    // The model was given the PDF's text (the simulator's answer echoes the prompt's words).
    expect(pdf.body.usage.prompt_tokens).toBeGreaterThan(10);
  });

  it('extract-text refuses what it cannot read before any model call', async () => {
    const text = await request(t.gw.url)
      .post('/api/v1/vision/extract-text')
      .set(auth())
      .attach('file', Buffer.from('just words'), 'notes.txt');
    expect(text.status).toBe(400);
    expect(text.body.error).toMatchObject({ param: 'file', code: 'unsupported_file_type' });
    const scan = await request(t.gw.url)
      .post('/api/v1/vision/extract-text')
      .set(auth())
      .attach('file', minimalPdf(''), 'scan.pdf');
    expect(scan.status).toBe(400);
    expect(scan.body.error.code).toBe('pdf_without_text');
    const nothing = await request(t.gw.url).post('/api/v1/vision/extract-text').set(auth()).send({});
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.param).toBe('file');
    // A model that cannot read images says so.
    const blind = await request(t.gw.url)
      .post('/api/v1/vision/extract-text')
      .set(auth())
      .field('model', 'simulator/sim-text')
      .attach('file', PNG, 'scan.png');
    expect(blind.status).toBe(400);
    const anonymous = await request(t.gw.url)
      .post('/api/v1/vision/extract-text')
      .attach('file', PNG, 'scan.png');
    expect(anonymous.status).toBe(401);
  });
});
