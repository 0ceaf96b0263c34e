import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

type Delta = { content?: string | null; reasoning_content?: string };
type Message = { content: string; reasoning_content?: string; thinking_blocks?: unknown[] };

/**
 * A provider's own reasoning on a plain model (issue 16 item 3): Anthropic thinking, Gemini
 * thoughts and DeepSeek-style reasoning_content all reach a Chat Completions caller as
 * `reasoning_content`, streamed first; `include_reasoning: false` leaves it out.
 */
describe('reasoning of plain models, relayed as reasoning_content', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  const MODELS = ['simulator-anthropic/sim-claude', 'simulator-gemini/sim-gemini', 'simulator/sim-reasoner'];
  const body = (model: string, extra: Record<string, unknown> = {}) => ({
    model,
    reasoning_effort: 'low',
    messages: [{ role: 'user', content: 'think first' }],
    ...extra,
  });

  it.each(MODELS)('%s: plain and streamed, reasoning first', async (model) => {
    const plain = await t.client.chat.completions.create(body(model) as never);
    const message = (plain as unknown as { choices: Array<{ message: Message }> }).choices[0]!.message;
    expect(message.content).toBe('echo: think first');
    expect(message.reasoning_content?.length).toBeGreaterThan(0);
    const stream = await t.client.chat.completions.create({ ...body(model), stream: true } as never);
    const order: string[] = [];
    for await (const chunk of stream as unknown as AsyncIterable<{ choices: Array<{ delta: Delta }> }>) {
      const delta = chunk.choices[0]?.delta;
      if (delta?.reasoning_content) order.push('reasoning');
      if (delta?.content) order.push('content');
    }
    expect(order[0]).toBe('reasoning');
    expect(order.at(-1)).toBe('content');
  });

  it.each(MODELS)('%s: include_reasoning false leaves it out, plain and streamed', async (model) => {
    const plain = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .send(body(model, { include_reasoning: false }));
    expect(plain.status).toBe(200);
    expect(plain.body.choices[0].message.content).toBe('echo: think first');
    expect(plain.body.choices[0].message).not.toHaveProperty('reasoning_content');
    expect(plain.body.choices[0].message).not.toHaveProperty('thinking_blocks');
    const stream = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .send(body(model, { include_reasoning: false, stream: true }));
    expect(stream.status).toBe(200);
    expect(stream.text).toContain('echo: ');
    expect(stream.text).not.toContain('reasoning_content');
  });

  it('include_reasoning must be a boolean (400 naming it, nothing sent upstream)', async () => {
    const from = t.sim.requests.length;
    const res = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .send(body('simulator/sim-reasoner', { include_reasoning: 'no' }));
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('include_reasoning');
    expect(t.sim.requests.length).toBe(from);
  });
});
