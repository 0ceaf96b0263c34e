import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatCredits, parseCredits } from '@switchyard/core';
import { UsageRecorder } from '@switchyard/credits';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, seedTenant } from './support/session.js';

const DOCUMENTS = [
  'Berlin is the capital of Germany.',
  'Paris is the capital of France.',
  'France borders Spain.',
  'Bananas are yellow.',
];

interface RerankAnswer {
  id: string;
  model: string;
  results: Array<{ index: number; relevance_score: number; document?: Record<string, unknown> }>;
  usage: { search_units: number; cost: string };
}

/**
 * POST /v1/rerank (issue 17: IndoxRouter's rerank over Cohere's v2 API) through the gateway, on
 * the simulator's `/v2/rerank` over real HTTP: ordering, top_n, return_documents, the charge per
 * search unit (usage record = ledger = header), and refusals that charge nothing.
 */
describe('/v1/rerank', () => {
  let t: LlmGateway;

  beforeAll(async () => {
    t = await startLlmGateway({
      env: { SIGNUP_CREDITS: '0' },
      simEnv: (url) => ({ COHERE_API_KEY: 'co-env-key-0123456789', COHERE_BASE_URL: url }),
    });
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

  const rerank = (body: Record<string, unknown>, key = t.key) =>
    request(t.gw.url).post('/v1/rerank').auth(key, { type: 'bearer' }).send(body);

  const db = (): DataSource => t.gw.app.get(DataSource);

  async function balanceOf(token: string): Promise<string> {
    const res = await request(t.gw.url)
      .get('/api/v1/credits/balance')
      .auth(token, { type: 'bearer' })
      .expect(200);
    return res.body.balance as string;
  }

  /** The usage records' cost and the ledger's net charge of one request, in micro-credits. */
  async function chargeOf(requestId: string): Promise<{ usage: bigint; ledger: bigint }> {
    await t.gw.app.get(UsageRecorder).flush();
    const usage = await db().query<Array<{ cost: string }>>(
      'SELECT cost::text AS cost FROM usage_records WHERE request_id = $1',
      [requestId],
    );
    const ledger = await db().query<Array<{ net: string | null }>>(
      'SELECT SUM(amount)::text AS net FROM credit_ledger WHERE request_id = $1',
      [requestId],
    );
    return {
      usage: usage.reduce((n, r) => n + BigInt(r.cost), 0n),
      ledger: -BigInt(ledger[0]?.net ?? '0'),
    };
  }

  async function expectBalanceIsLedgerSum(userId: string, token: string): Promise<void> {
    const [row] = await db().query<Array<{ sum: string | null }>>(
      'SELECT SUM(amount)::text AS sum FROM credit_ledger WHERE user_id = $1',
      [userId],
    );
    expect(parseCredits(await balanceOf(token))).toBe(BigInt(row?.sum ?? '0'));
  }

  it('orders the documents by relevance and charges one search unit (usage = ledger = header)', async () => {
    t.sim.clearRequests();
    const res = await rerank({
      model: 'simulator-cohere/sim-rerank',
      query: 'capital of France',
      documents: DOCUMENTS,
    }).expect(200);
    const body = res.body as RerankAnswer;
    expect(body.model).toBe('simulator-cohere/sim-rerank');
    expect(body.id).toEqual(expect.any(String));
    expect(body.results.map((r) => r.index)).toEqual([1, 0, 2, 3]);
    const scores = body.results.map((r) => r.relevance_score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(body.results[0]).toEqual({ index: 1, relevance_score: 1 });
    expect(t.sim.requests.at(-1)).toMatchObject({
      path: '/v2/rerank',
      format: 'cohere',
      body: { model: 'sim-rerank', query: 'capital of France', documents: DOCUMENTS },
    });
    // sim-rerank: 0.002 credits per search unit; 4 documents are one unit.
    expect(body.usage).toEqual({ search_units: 1, cost: '0.002' });
    expect(res.headers['x-switchyard-cost']).toBe('0.002');
    expect(res.headers['x-switchyard-model']).toBe('simulator-cohere/sim-rerank');
    const charge = await chargeOf(res.headers['x-request-id'] as string);
    expect(charge).toEqual({ usage: parseCredits('0.002'), ledger: parseCredits('0.002') });
    await expectBalanceIsLedgerSum(t.member.id, t.member.token);
  });

  it('keeps the best top_n and returns the documents as sent (strings as {text}, objects as they are)', async () => {
    const res = await rerank({
      model: 'simulator-cohere/sim-rerank',
      query: 'capital of France',
      documents: [DOCUMENTS[0], { text: DOCUMENTS[1], id: 'doc-paris' }, DOCUMENTS[2]],
      top_n: 2,
      return_documents: true,
    }).expect(200);
    const body = res.body as RerankAnswer;
    expect(body.results).toEqual([
      { index: 1, relevance_score: 1, document: { text: DOCUMENTS[1], id: 'doc-paris' } },
      { index: 0, relevance_score: expect.any(Number), document: { text: DOCUMENTS[0] } },
    ]);
    expect((t.sim.requests.at(-1)?.body as { top_n?: number }).top_n).toBe(2);
    const plain = await rerank({
      model: 'simulator-cohere/sim-rerank',
      query: 'France',
      documents: DOCUMENTS,
    });
    expect((plain.body as RerankAnswer).results.every((r) => r.document === undefined)).toBe(true);
  });

  it('serves cohere/rerank-v3.5 from the catalog with the provider key', async () => {
    const res = await rerank({ model: 'cohere/rerank-v3.5', query: 'Germany', documents: DOCUMENTS }).expect(
      200,
    );
    expect((res.body as RerankAnswer).model).toBe('cohere/rerank-v3.5');
    expect(t.sim.requests.at(-1)).toMatchObject({
      path: '/v2/rerank',
      apiKey: 'co-env-key-0123456789',
      body: { model: 'rerank-v3.5' },
    });
    expect(res.headers['x-switchyard-cost']).toBe('0.002');
  });

  it('refuses bad input and models that do not rerank with a 400 naming the field, charging nothing', async () => {
    const before = await balanceOf(t.member.token);
    t.sim.clearRequests();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: 'simulator-cohere/sim-command', query: 'q', documents: ['a'] }, 'model'],
      [{ model: 'simulator-cohere/sim-rerank', query: 'q', documents: [] }, 'documents'],
      [
        {
          model: 'simulator-cohere/sim-rerank',
          query: 'q',
          documents: Array.from({ length: 1001 }, (_, i) => `d${i}`),
        },
        'documents',
      ],
      [{ model: 'simulator-cohere/sim-rerank', query: 'q', documents: ['a'], top_n: 0 }, 'top_n'],
      [{ model: 'simulator-cohere/sim-rerank', query: 42, documents: ['a'] }, 'query'],
      [{ model: 'simulator-cohere/sim-rerank', documents: ['a'] }, 'query'],
      [
        { model: 'simulator-cohere/sim-rerank', query: 'q', documents: [{ title: 'no text' }] },
        'documents[0].text',
      ],
    ];
    for (const [body, param] of cases) {
      const res = await rerank(body);
      expect({ status: res.status, param: res.body.error?.param }).toEqual({ status: 400, param });
      expect(res.body.error.type).toBe('invalid_request_error');
    }
    expect(t.sim.requests.filter((r) => r.path === '/v2/rerank')).toHaveLength(0);
    expect(await balanceOf(t.member.token)).toBe(before);
  });

  it('answers 401 without a key and 402 without credit, reaching no provider', async () => {
    t.sim.clearRequests();
    await request(t.gw.url)
      .post('/v1/rerank')
      .send({ model: 'simulator-cohere/sim-rerank', query: 'q', documents: ['a'] })
      .expect(401);
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    const { key } = await createApiKey(t.gw.url, member.token);
    const res = await rerank({ model: 'simulator-cohere/sim-rerank', query: 'q', documents: ['a'] }, key);
    expect(res.status).toBe(402);
    expect(t.sim.requests.filter((r) => r.path === '/v2/rerank')).toHaveLength(0);
    expect(await balanceOf(member.token)).toBe('0');
  });

  it('reserves ceil(documents / 100) units: 250 documents need 0.006 of headroom', async () => {
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    const { key } = await createApiKey(t.gw.url, member.token);
    await request(t.gw.url)
      .post('/api/v1/credits/grants')
      .auth(t.adminToken, { type: 'bearer' })
      .set('idempotency-key', randomUUID())
      .send({ user_id: member.id, amount: '0.005', reason: 'just short of three units' })
      .expect(201);
    const documents = Array.from({ length: 250 }, (_, i) => `document ${i}`);
    const short = await rerank({ model: 'simulator-cohere/sim-rerank', query: 'document', documents }, key);
    expect(short.status).toBe(402);
    // The simulator bills one unit whatever the count: settled at what it billed.
    const ok = await rerank(
      { model: 'simulator-cohere/sim-rerank', query: 'document', documents: documents.slice(0, 200) },
      key,
    ).expect(200);
    expect(ok.headers['x-switchyard-cost']).toBe(formatCredits(parseCredits('0.002')));
    await expectBalanceIsLedgerSum(member.id, member.token);
    expect(await balanceOf(member.token)).toBe('0.003');
  });
});
