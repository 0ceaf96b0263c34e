import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator } from './index.js';
import type { Simulator } from './index.js';

// The adapters' specs (libs/providers/src/cohere, gigachat) run the whole contract against these
// endpoints; here: what no adapter calls yet (rerank) and the raw wire details.
describe('simulator: Cohere v2 and GigaChat', () => {
  let sim: Simulator;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('reranks deterministically by shared query words, top_n first, billed one search unit', async () => {
    const res = await post(
      '/v2/rerank',
      {
        model: 'rerank-v3.5',
        query: 'capital of France',
        documents: ['Paris is the capital of France', 'Berlin', 'the capital'],
        top_n: 2,
      },
      { authorization: 'Bearer co-key' },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: unknown[]; meta: unknown };
    expect(body.results).toEqual([
      { index: 0, relevance_score: 1 },
      { index: 2, relevance_score: 0.333333 },
    ]);
    expect(body.meta).toMatchObject({ billed_units: { search_units: 1 } });
  });

  it('names Cohere stream events and answers errors in its {id, message} shape', async () => {
    const stream = await post(
      '/v2/chat',
      { model: 'c', stream: true, messages: [{ role: 'user', content: 'hi' }] },
      { authorization: 'Bearer k' },
    );
    const text = await stream.text();
    expect(text.match(/^event: (.+)$/gm)?.map((l) => l.slice(7))).toEqual([
      'message-start',
      'content-start',
      'content-delta',
      'content-delta',
      'content-end',
      'message-end',
    ]);
    const limited = await post(
      '/v2/chat',
      { model: 'c-fault-429', messages: [] },
      { authorization: 'Bearer k' },
    );
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ id: 'sim-error', message: expect.any(String) });
    const anonymous = await post('/v2/embed', { model: 'e', texts: ['a'], input_type: 'search_query' });
    expect(anonymous.status).toBe(401);
  });

  it('issues GigaChat tokens for a Basic auth key and refuses unknown or revoked ones with 401', async () => {
    const token = await fetch(`${sim.url}/api/v2/oauth`, {
      method: 'POST',
      headers: {
        authorization: 'Basic auth-key',
        rquid: '0b0a3c5e-1111-4222-8333-944455556666',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'scope=GIGACHAT_API_PERS',
    });
    const { access_token, expires_at } = (await token.json()) as { access_token: string; expires_at: number };
    expect(expires_at).toBeGreaterThan(Date.now() + 29 * 60_000);
    const ask = (bearer: string) =>
      post(
        '/api/v1/chat/completions',
        { model: 'GigaChat-2', messages: [{ role: 'user', content: 'hi' }] },
        { authorization: `Bearer ${bearer}` },
      );
    const ok = await ask(access_token);
    expect(await ok.json()).toMatchObject({
      choices: [{ message: { content: 'echo: hi' }, finish_reason: 'stop' }],
    });
    expect(sim.requests.at(-1)?.apiKey).toBe('auth-key');
    expect((await ask('made-up')).status).toBe(401);
    sim.revokeGigaChatTokens();
    const revoked = await ask(access_token);
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toEqual({ status: 401, message: 'Token has expired' });
  });
});
