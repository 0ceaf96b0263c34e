import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatCredits, parseCredits } from '@switchyard/core';
import { UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startMeteredGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, seedTenant } from './support/session.js';

/**
 * Decision 0030: a non-streaming call whose payer has ample headroom holds nothing and is charged
 * once, conditionally, when its answer is in; streams and payers without that headroom keep the
 * hold. sim-gpt is priced at 1 credit per output token (and one micro-credit of input per call),
 * and the simulator writes exactly `max_tokens` tokens, so a call's worst case is its cost.
 */
const cost = (tokens: number): bigint => BigInt(tokens) * 1_000_000n + 1n;

describe('calls charged without a hold (real Postgres, real simulator)', () => {
  let t: LlmGateway;
  let db: DataSource;

  beforeAll(async () => {
    t = await startMeteredGateway();
    db = t.gw.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function fundedUser(credits: bigint) {
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    await request(t.gw.url)
      .post('/api/v1/credits/grants')
      .auth(t.adminToken, { type: 'bearer' })
      .set('idempotency-key', randomUUID())
      .send({ user_id: member.id, amount: formatCredits(credits), reason: 'test funding' })
      .expect(201);
    const { key } = await createApiKey(t.gw.url, member.token);
    return { member, key, client: t.clientWith(key) };
  }

  const chat = (client: OpenAI, tokens: number, fault?: string) =>
    client.chat.completions.create(
      {
        model: 'sim-gpt',
        max_tokens: tokens,
        messages: [{ role: 'user', content: 'alpha beta gamma delta' }],
      },
      fault ? { headers: { 'x-sim-fault': fault } } : {},
    );

  const balanceOf = async (token: string) =>
    (await request(t.gw.url).get('/api/v1/credits/balance').auth(token, { type: 'bearer' }).expect(200))
      .body as { balance: string; reserved: string };

  const reservationsOf = async (userId: string): Promise<number> =>
    (await db.query('SELECT count(*)::int AS n FROM credit_reservations WHERE user_id = $1', [userId]))[0]
      .n as number;

  interface Charge {
    amount: string;
    reservation_id: string | null;
    idempotency_key: string | null;
    request_id: string;
  }
  const chargesOf = (userId: string): Promise<Charge[]> =>
    db.query<Charge[]>(
      `SELECT amount::text, reservation_id, idempotency_key, request_id FROM credit_ledger
        WHERE user_id = $1 AND kind = 'charge' ORDER BY id`,
      [userId],
    );

  async function verifyClean(): Promise<void> {
    const res = await request(t.gw.url)
      .get('/api/v1/credits/verify')
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    expect({ ok: res.body.ok, mismatches: res.body.mismatches }).toEqual({ ok: true, mismatches: [] });
  }

  /** A call (a stream unless told) whose upstream never answers: only `cancel` ends it. */
  function hangingStream(key: string, maxTokens: number, stream = true): { cancel: () => Promise<unknown> } {
    const aborter = new AbortController();
    const done = fetch(`${t.gw.url}/v1/chat/completions`, {
      method: 'POST',
      signal: aborter.signal,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-sim-fault': 'hang' },
      body: JSON.stringify({
        model: 'sim-gpt',
        stream,
        max_tokens: maxTokens,
        messages: [{ role: 'user', content: 'alpha' }],
      }),
    }).catch(() => undefined);
    return {
      cancel: () => {
        aborter.abort();
        return done;
      },
    };
  }

  /** Resolves once `check` holds, polling every 20 ms for up to 5 s. */
  async function until(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 250; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('timed out waiting');
  }

  it('a non-streaming call with ample headroom holds nothing in flight and writes one charge entry', async () => {
    const { member, client } = await fundedUser(100_000_000n);
    // The first call of a payer on this instance holds: nothing was seen of its balance yet.
    await chat(client, 2);
    expect(await reservationsOf(member.id)).toBe(1);

    const slow = chat(client, 3, 'latency=600').withResponse();
    await new Promise((r) => setTimeout(r, 250));
    // In flight: nothing held, no reservation written.
    expect(await balanceOf(member.token)).toEqual(
      expect.objectContaining({ balance: formatCredits(100_000_000n - cost(2)), reserved: '0' }),
    );
    expect(await reservationsOf(member.id)).toBe(1);
    const { data, response } = await slow;
    expect((data.usage as unknown as { cost: string }).cost).toBe(formatCredits(cost(3)));
    expect(response.headers.get('x-switchyard-cost')).toBe(formatCredits(cost(3)));

    const charges = await chargesOf(member.id);
    expect(charges.map((c) => c.amount)).toEqual([`-${cost(2)}`, `-${cost(3)}`]);
    // The held call's charge names its reservation; the other has none, and a key of its own.
    expect(charges[0]!.reservation_id).not.toBeNull();
    expect(charges[1]).toMatchObject({
      reservation_id: null,
      idempotency_key: expect.stringMatching(/^call:/),
    });
    expect(charges[1]!.request_id).toBe(response.headers.get('x-request-id'));
    expect(await reservationsOf(member.id)).toBe(1);
    expect((await balanceOf(member.token)).balance).toBe(formatCredits(100_000_000n - cost(2) - cost(3)));
    await verifyClean();
  });

  it('embeddings with ample headroom are charged the same way, without a hold', async () => {
    const { member, client } = await fundedUser(100_000_000n);
    const embed = () =>
      client.embeddings.create({ model: 'sim-embed', input: ['alpha beta'] }).withResponse();
    await embed();
    const { response } = await embed();
    const charges = await chargesOf(member.id);
    expect(charges).toHaveLength(2);
    expect(charges[0]!.reservation_id).not.toBeNull();
    expect(charges[1]).toMatchObject({
      reservation_id: null,
      request_id: response.headers.get('x-request-id'),
    });
    expect(`-${parseCredits(response.headers.get('x-switchyard-cost')!)}`).toBe(charges[1]!.amount);
    expect(await reservationsOf(member.id)).toBe(1);
    await verifyClean();
  });

  it('a stream keeps its hold while in flight', async () => {
    const { member, key, client } = await fundedUser(100_000_000n);
    await chat(client, 2);
    const stream = hangingStream(key, 5);
    await until(async () => (await balanceOf(member.token)).reserved === formatCredits(cost(5)));
    expect(await reservationsOf(member.id)).toBe(2);
    await stream.cancel();
    await until(async () => (await balanceOf(member.token)).reserved === '0');
    await verifyClean();
  });

  it('a call whose client goes away stops its upstream call and gives its hold back, charging nothing', async () => {
    const { member, key } = await fundedUser(100_000_000n);
    // A payer's first call holds (nothing was seen of its balance yet), so the hold shows it in flight.
    const call = hangingStream(key, 5, false);
    await until(async () => (await balanceOf(member.token)).reserved === formatCredits(cost(5)));
    await call.cancel();
    // The upstream never answers: only the client's abort, passed on to it, ends the call.
    await until(async () => (await balanceOf(member.token)).reserved === '0');
    expect((await balanceOf(member.token)).balance).toBe(formatCredits(100_000_000n));
    expect(await chargesOf(member.id)).toEqual([]);
    await verifyClean();
  });

  it('a failed call without a hold writes nothing to the ledger and records the failure', async () => {
    const { member, client } = await fundedUser(100_000_000n);
    await chat(client, 2);
    const err = (await chat(client, 3, 'status=400').catch((e: unknown) => e)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(400);
    expect((await chargesOf(member.id)).map((c) => c.amount)).toEqual([`-${cost(2)}`]);
    expect(await reservationsOf(member.id)).toBe(1);
    await t.gw.app.get(UsageRecorder).flush();
    const rows = await db.query(
      `SELECT status, cost::text FROM usage_records WHERE user_id = $1 ORDER BY created_at`,
      [member.id],
    );
    expect(rows).toEqual([
      { status: 'ok', cost: String(cost(2)) },
      { status: 'error', cost: '0' },
    ]);
    await verifyClean();
  });

  it('a charge refused when the answer is in (the balance was held meanwhile) is a 402 and charges nothing', async () => {
    const { member, key, client } = await fundedUser(100_000_000n);
    await chat(client, 2);
    // 98 credits left: a 5-token call (5 credits) has the headroom and holds nothing ...
    const slow = chat(client, 5, 'latency=1200').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 150));
    // ... while a stream of the same payer holds 95 of the 98 (its worst case), and stays.
    const stream = hangingStream(key, 95);
    await until(async () => (await balanceOf(member.token)).reserved === formatCredits(cost(95)));
    const err = (await slow) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(402);
    expect(err.type).toBe('insufficient_credits');
    expect(err.message).toContain('it cost 5.000001 credits');
    // Charged nothing: only the first call's entry.
    expect((await chargesOf(member.id)).map((c) => c.amount)).toEqual([`-${cost(2)}`]);
    await stream.cancel();
    await until(async () => (await balanceOf(member.token)).reserved === '0');
    expect((await balanceOf(member.token)).balance).toBe(formatCredits(100_000_000n - cost(2)));
    await t.gw.app.get(UsageRecorder).flush();
    const refused = await db.query(
      `SELECT status, error_class, cost::text, output_tokens FROM usage_records
        WHERE user_id = $1 AND error_class = 'insufficient_credits'`,
      [member.id],
    );
    expect(refused).toEqual([
      { status: 'error', error_class: 'insufficient_credits', cost: '0', output_tokens: 5 },
    ]);
    await verifyClean();
  });

  it('many concurrent calls of one payer, some without a hold: exactly what the balance pays for succeeds', async () => {
    const calls = 12;
    const { member, client } = await fundedUser(cost(2) + 6n * cost(4));
    await chat(client, 2);
    const results = await Promise.allSettled(Array.from({ length: calls }, () => chat(client, 4)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => r.reason as InstanceType<typeof OpenAI.APIError>);
    expect(ok).toHaveLength(6);
    expect(refused.map((e) => [e.status, e.type])).toEqual(
      Array.from({ length: calls - 6 }, () => [402, 'insufficient_credits']),
    );
    expect(await balanceOf(member.token)).toEqual(expect.objectContaining({ balance: '0', reserved: '0' }));
    // Some of them went without a hold (the balance covered the first ones 4 times over).
    const charges = await chargesOf(member.id);
    expect(charges).toHaveLength(7);
    expect(charges.filter((c) => c.reservation_id === null).length).toBeGreaterThan(0);
    expect(parseCredits(formatCredits(charges.reduce((a, c) => a - BigInt(c.amount), 0n)))).toBe(
      cost(2) + 6n * cost(4),
    );
    await verifyClean();
  });
});
