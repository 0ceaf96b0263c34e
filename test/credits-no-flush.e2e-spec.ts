import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatCredits } from '@switchyard/core';
import type { Pool } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { expectLedgerVerified, spyLedger } from './support/ledger.js';
import { startMeteredGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, seedTenant } from './support/session.js';

/**
 * Decision 0036: with CREDITS_SYNCHRONOUS_COMMIT=off the hot path's ledger statements commit
 * without waiting for the WAL flush. Everything a caller and the ledger see is the same: the
 * charges, the costs reported, and balance == sum(ledger). sim-gpt is priced at 1 credit per
 * output token (and one micro-credit of input per call); the simulator writes `max_tokens` tokens.
 */
const cost = (tokens: number): bigint => BigInt(tokens) * 1_000_000n + 1n;

describe('CREDITS_SYNCHRONOUS_COMMIT=off (real Postgres, real simulator, OpenAI SDK)', () => {
  let t: LlmGateway;
  let db: DataSource;

  beforeAll(async () => {
    t = await startMeteredGateway({ env: { CREDITS_SYNCHRONOUS_COMMIT: 'off' } });
    db = t.gw.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('charges held calls, calls without a hold and streams as the default does, and says so to Postgres', async () => {
    const pool = (db.driver as unknown as { master: Pool }).master;
    const ledger = spyLedger(pool);
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    await request(t.gw.url)
      .post('/api/v1/credits/grants')
      .auth(t.adminToken, { type: 'bearer' })
      .set('idempotency-key', randomUUID())
      .send({ user_id: member.id, amount: '100', reason: 'test funding' })
      .expect(201);
    const client = t.clientWith((await createApiKey(t.gw.url, member.token)).key);
    const messages = [{ role: 'user' as const, content: 'alpha beta gamma delta' }];

    // The first call holds (nothing seen of the balance yet), the second is charged without a hold.
    for (const tokens of [2, 3]) {
      const { data, response } = await client.chat.completions
        .create({ model: 'sim-gpt', max_tokens: tokens, messages })
        .withResponse();
      expect((data.usage as unknown as { cost: string }).cost).toBe(formatCredits(cost(tokens)));
      expect(response.headers.get('x-switchyard-cost')).toBe(formatCredits(cost(tokens)));
    }
    const stream = await client.chat.completions.create({
      model: 'sim-gpt',
      max_tokens: 4,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);

    const charges = await db.query<Array<{ amount: string }>>(
      `SELECT amount::text FROM credit_ledger WHERE user_id = $1 AND kind = 'charge' ORDER BY id`,
      [member.id],
    );
    expect(charges.map((c) => c.amount)).toEqual([`-${cost(2)}`, `-${cost(3)}`, `-${cost(4)}`]);
    const spent = cost(2) + cost(3) + cost(4);
    const balance = (
      await request(t.gw.url)
        .get('/api/v1/credits/balance')
        .auth(member.token, { type: 'bearer' })
        .expect(200)
    ).body as { balance: string; reserved: string };
    expect(balance).toEqual(
      expect.objectContaining({ balance: formatCredits(100_000_000n - spent), reserved: '0' }),
    );
    await expectLedgerVerified(t.gw.url, t.adminToken);

    // What the ledger lanes sent (a spy that passes every query through to the pool).
    expect(ledger.sent.length).toBeGreaterThanOrEqual(4);
    for (const s of ledger.sent) expect(s.text).toContain("set_config('synchronous_commit', 'off', true)");
    ledger.restore();
  });
});
