import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createApiKey } from './support/session.js';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

/**
 * POST /v1/chat/completions and /v1/completions are served by hot routes (apps/gateway/src/
 * hot-routes.ts) that skip the router walk and Nest's per-request machinery. The same paths with
 * a trailing slash still reach the Nest controller, so every case below is asked both ways and
 * must get the same answer: status, error envelope, rate-limit headers, and the charge.
 */
describe('hot routes answer exactly as the controller routes', () => {
  let t: LlmGateway;
  let limitedKey: string;
  let jwtOnlyAdmin: string;
  beforeAll(async () => {
    t = await startLlmGateway();
    limitedKey = (await createApiKey(t.gw.url, t.member.token, { rpm: 2 })).key;
    jwtOnlyAdmin = t.adminToken;
  });
  afterAll(async () => {
    await t?.close();
  });

  const chat = { model: 'simulator/sim-gpt', max_tokens: 8, messages: [{ role: 'user', content: 'hot' }] };
  const message = { model: 'simulator/sim-gpt', max_tokens: 8, messages: [{ role: 'user', content: 'hot' }] };
  type Case = { name: string; path: string; auth?: string; body: unknown; raw?: string; type?: string };
  const cases = (): Case[] => [
    { name: 'a plain chat', path: 'chat/completions', auth: t.key, body: chat },
    {
      name: 'a text completion',
      path: 'completions',
      auth: t.key,
      body: { model: 'simulator/sim-gpt', prompt: 'hi' },
    },
    { name: 'no credential', path: 'chat/completions', body: chat },
    { name: 'a forged API key', path: 'chat/completions', auth: `sk-sy-${'A'.repeat(51)}`, body: chat },
    { name: 'a member JWT', path: 'chat/completions', auth: t.member.token, body: chat },
    { name: 'an admin JWT', path: 'chat/completions', auth: jwtOnlyAdmin, body: chat },
    { name: 'an invalid body', path: 'chat/completions', auth: t.key, body: { model: 'simulator/sim-gpt' } },
    { name: 'malformed JSON', path: 'chat/completions', auth: t.key, body: undefined, raw: '{"model": ' },
    // The body reader (lean for plain UTF-8 JSON, body-parser for the rest): the same answers.
    { name: 'a JSON string body', path: 'chat/completions', auth: t.key, body: undefined, raw: '"hot"' },
    {
      name: 'a body after a byte order mark, with a charset',
      path: 'chat/completions',
      auth: t.key,
      body: undefined,
      raw: `\uFEFF  ${JSON.stringify(chat)}`,
      type: 'application/json; charset=UTF-8',
    },
    { name: 'an empty body', path: 'chat/completions', auth: t.key, body: undefined, raw: '' },
    { name: 'a text body', path: 'chat/completions', auth: t.key, body: chat, type: 'text/plain' },
    {
      name: 'a latin1 charset',
      path: 'chat/completions',
      auth: t.key,
      body: chat,
      type: 'application/json; charset=latin1',
    },
    {
      name: 'an unknown model',
      path: 'chat/completions',
      auth: t.key,
      body: { ...chat, model: 'nope/none' },
    },
    { name: 'an Anthropic message', path: 'messages', auth: t.key, body: message },
    { name: 'a message without a key', path: 'messages', body: message },
    {
      name: 'a message without max_tokens',
      path: 'messages',
      auth: t.key,
      body: { ...message, max_tokens: undefined },
    },
    {
      name: 'a response',
      path: 'responses',
      auth: t.key,
      body: { model: 'simulator/sim-gpt', input: 'hot' },
    },
    {
      name: 'a response with a bad field',
      path: 'responses',
      auth: t.key,
      body: { model: 'simulator/sim-gpt', input: 'hot', max_output_tokens: -3 },
    },
  ];

  const ask = async (c: Case, trailingSlash: boolean) => {
    let r = request(t.gw.url)
      .post(`/v1/${c.path}${trailingSlash ? '/' : ''}`)
      .set('content-type', c.type ?? 'application/json');
    if (c.auth) r = r.auth(c.auth, { type: 'bearer' });
    const res = await r.send(c.raw ?? JSON.stringify(c.body));
    const body = res.body as {
      error?: Record<string, unknown>;
      type?: string;
      object?: string;
      usage?: Record<string, unknown>;
    };
    return {
      status: res.status,
      // What a client reads: the answer's kind and usage, or the error (each dialect's shape)
      // without the request id; ids and timestamps differ between two calls, the rest must not.
      body: body.error
        ? { ...body.error, request_id: undefined, envelope: body.type }
        : { object: body.object ?? body.type, usage: body.usage },
      limit: res.headers['x-ratelimit-limit-requests'],
      cost: res.headers['x-switchyard-cost'],
      contentType: res.headers['content-type'],
    };
  };

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])(
    'case %i: the same status, body and headers both ways',
    async (i) => {
      const c = cases()[i]!;
      const hot = await ask(c, false);
      const routed = await ask(c, true);
      expect({ case: c.name, ...hot }).toEqual({ case: c.name, ...routed });
      expect(hot.status).not.toBe(500);
    },
  );

  it('counts both ways against the same per-minute limit, with the same headers', async () => {
    const c: Case = { name: 'limited', path: 'chat/completions', auth: limitedKey, body: chat };
    const first = await ask(c, false);
    const second = await ask(c, true);
    const third = await ask(c, false);
    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
    expect([first.limit, second.limit, third.limit]).toEqual(['2', '2', '2']);
    expect(third.body).toMatchObject({ type: 'rate_limit_error' });
  });

  it('comes before the controller routes in the app, so it is what serves these paths', () => {
    const express = t.gw.app.getHttpAdapter().getInstance() as {
      router: { stack: Array<{ name: string; route?: { path: string } }> };
    };
    const stack = express.router.stack;
    // One layer runs every /v1 step (dialect, forged keys, body budget, body) and the hot routes.
    const hot = stack.findIndex((l) => l.name === 'v1');
    const routed = stack.findIndex((l) => l.route?.path === '/v1/chat/completions');
    expect(hot).toBeGreaterThan(-1);
    expect(stack.filter((l) => l.name === 'v1')).toHaveLength(1);
    expect(routed).toBeGreaterThan(hot);
  });

  it('streams through the hot route as SSE, ending in [DONE]', async () => {
    const res = await request(t.gw.url)
      .post('/v1/chat/completions')
      .auth(t.key, { type: 'bearer' })
      .send({ ...chat, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });
});
