import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import { formatCredits, parseCredits } from '@switchyard/core';
import { UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startSimulator } from '../apps/simulator/src/index.js';
import { spawnGateway } from './support/gateway-process.js';
import { startMeteredGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, login, seedTenant } from './support/session.js';
import { TEST_ADMIN } from './support/test-gateway.js';

const N = 3;
/**
 * sim-gpt is priced by this test at 1 credit per output token and the least price there is for
 * input (0.000001 per million tokens; a price of 0 would make the model unpriced, decision 0010):
 * the input adds exactly one micro-credit to a call, as the sum is rounded up once.
 */
const PER_CALL_TOKENS = 2;
/** What a call of `tokens` output tokens costs (and reserves) on sim-gpt here. */
const cost = (tokens: number): string => formatCredits(BigInt(tokens) * 1_000_000n + 1n);

async function balanceOf(url: string, token: string): Promise<string> {
  const res = await request(url).get('/api/v1/credits/balance').auth(token, { type: 'bearer' }).expect(200);
  return res.body.balance as string;
}

async function verifyClean(url: string, adminToken: string): Promise<void> {
  const res = await request(url)
    .get('/api/v1/credits/verify')
    .auth(adminToken, { type: 'bearer' })
    .expect(200);
  expect({ ok: res.body.ok, mismatches: res.body.mismatches }).toEqual({ ok: true, mismatches: [] });
}

async function grant(url: string, adminToken: string, userId: string, amount: string): Promise<void> {
  await request(url)
    .post('/api/v1/credits/grants')
    .auth(adminToken, { type: 'bearer' })
    .set('idempotency-key', randomUUID())
    .send({ user_id: userId, amount, reason: 'test funding' })
    .expect(201);
}

describe('credits on the /v1 path (real Postgres)', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startMeteredGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function fundedUser(credits: number | string) {
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    if (Number(credits) > 0) await grant(t.gw.url, t.adminToken, member.id, String(credits));
    const { key } = await createApiKey(t.gw.url, member.token);
    return { member, client: t.clientWith(key) };
  }

  it.each([false, true])(
    'a user funded for exactly N calls fires 20N at once: N succeed, the rest get 402 (stream: %p)',
    async (stream) => {
      const { member, client } = await fundedUser(
        formatCredits(BigInt(N) * parseCredits(cost(PER_CALL_TOKENS))),
      );
      const call = async () => {
        const body = {
          model: 'sim-gpt',
          max_tokens: PER_CALL_TOKENS,
          messages: [{ role: 'user' as const, content: 'alpha beta gamma delta' }],
        };
        if (!stream) return client.chat.completions.create(body);
        const s = await client.chat.completions.create({ ...body, stream: true });
        for await (const _ of s) void _;
        return s;
      };
      const results = await Promise.allSettled(Array.from({ length: 20 * N }, call));
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results
        .filter((r) => r.status === 'rejected')
        .map((r) => r.reason as InstanceType<typeof OpenAI.APIError>);
      expect(ok).toHaveLength(N);
      expect(refused.every((e) => e.status === 402 && e.type === 'insufficient_credits')).toBe(true);
      expect(await balanceOf(t.gw.url, member.token)).toBe('0');
      await t.gw.app.get(UsageRecorder).flush();
      const usage = await request(t.gw.url)
        .get('/api/v1/usage')
        .auth(member.token, { type: 'bearer' })
        .expect(200);
      const rows = usage.body.data ?? usage.body.rows ?? usage.body;
      const calls = (Array.isArray(rows) ? rows : []).reduce(
        (n: number, r: { requests?: number; calls?: number }) => n + Number(r.requests ?? r.calls ?? 0),
        0,
      );
      expect(calls).toBeGreaterThanOrEqual(N);
      await verifyClean(t.gw.url, t.adminToken);
    },
  );

  it('records grants and transfers in the activity log', async () => {
    const { tenantId, member, admin } = await seedTenant(t.gw.url, t.adminToken);
    await request(t.gw.url)
      .post('/api/v1/credits/grants')
      .auth(t.adminToken, { type: 'bearer' })
      .set('idempotency-key', randomUUID())
      .send({ tenant_pool: true, tenant_id: tenantId, amount: '7', reason: 'pool funding' })
      .expect(201);
    await request(t.gw.url)
      .post('/api/v1/credits/transfers')
      .auth(admin.token, { type: 'bearer' })
      .set('idempotency-key', randomUUID())
      .send({ user_id: member.id, amount: '3', reason: 'for the project' })
      .expect(201);
    await t.gw.app.get(ActivityLogService).flush();
    const log = await request(t.gw.url)
      .get('/api/v1/activity-logs')
      .query({ limit: 50 })
      .auth(admin.token, { type: 'bearer' })
      .expect(200);
    const actions = (log.body.data as Array<{ action: string; description: string }>).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['CREDITS_GRANTED', 'TRANSFER']));
  });

  it('reports the charge as usage.cost and x-switchyard-cost', async () => {
    const { client } = await fundedUser(10);
    const { data, response } = await client.chat.completions
      .create({ model: 'sim-gpt', max_tokens: 2, messages: [{ role: 'user', content: 'one two three' }] })
      .withResponse();
    expect((data.usage as unknown as { cost: string }).cost).toBe(cost(2));
    expect(response.headers.get('x-switchyard-cost')).toBe(cost(2));
  });

  it('answers 402 with the balance and the estimate, and writes nothing', async () => {
    const { member, client } = await fundedUser(1);
    const err = (await client.chat.completions
      .create({ model: 'sim-gpt', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(402);
    const body = err.error as { balance: string; estimate: string };
    expect(body.balance).toBe('1');
    expect(body.estimate).toBe(cost(5));
    const ledger = await request(t.gw.url)
      .get('/api/v1/credits/ledger')
      .auth(member.token, { type: 'bearer' })
      .expect(200);
    expect(ledger.body.data.map((e: { kind: string }) => e.kind)).toEqual(['grant']);
  });

  it('a long prompt reserves on its byte-size bound, and is counted exactly before a 402', async () => {
    // sim-gpt-mini at 1 credit per input token, the least price for output (one micro-credit a call).
    await request(t.gw.url)
      .put('/api/v1/models/simulator/sim-gpt-mini')
      .auth(t.adminToken, { type: 'bearer' })
      .send({ pricing: { inputPerMTok: '1000000', outputPerMTok: '0.000001' } })
      .expect(200);
    // 3,000 tokens of text in 18,000 bytes: the bound alone would need 18,000+ credits.
    const system = ' lorem'.repeat(3_000);
    const body = {
      model: 'sim-gpt-mini',
      max_tokens: 4,
      messages: [
        { role: 'system' as const, content: system },
        { role: 'user' as const, content: 'hi' },
      ],
    };
    const rich = await fundedUser(5_000);
    const answer = await rich.client.chat.completions.create(body);
    const charged = Number(answer.usage!.prompt_tokens);
    expect(charged).toBeGreaterThan(3_000);
    expect(charged).toBeLessThan(3_100);
    expect(await balanceOf(t.gw.url, rich.member.token)).toBe(
      formatCredits(BigInt(5_000 - charged) * 1_000_000n - 1n),
    );

    const poor = await fundedUser(2_000);
    const refused = await poor.client.chat.completions.create(body).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    const error = (refused as InstanceType<typeof OpenAI.APIError>).error as { estimate: string };
    // The estimate the user sees is the exact count, not the 18,000-credit bound.
    expect(Number(error.estimate)).toBeGreaterThan(3_000);
    expect(Number(error.estimate)).toBeLessThan(3_100);
    expect(await balanceOf(t.gw.url, poor.member.token)).toBe('2000');
  });

  it('tool definitions and a response schema are reserved for, as the provider counts them', async () => {
    await request(t.gw.url)
      .put('/api/v1/models/simulator/sim-gpt-mini')
      .auth(t.adminToken, { type: 'bearer' })
      .send({ pricing: { inputPerMTok: '1000000', outputPerMTok: '0.000001' } })
      .expect(200);
    // A two-token message with ~1,500 tokens of tool description (OpenAI counts tools as input).
    const body = {
      model: 'sim-gpt-mini',
      max_tokens: 4,
      messages: [{ role: 'user' as const, content: 'hi' }],
      tools: [
        {
          type: 'function' as const,
          function: {
            name: 'lookup_order',
            description: 'Finds an order by its number and returns its status. '.repeat(150),
            parameters: { type: 'object', properties: { order: { type: 'string' } } },
          },
        },
      ],
      response_format: { type: 'json_object' as const },
    };
    const poor = await fundedUser(1_000);
    const refused = await poor.client.chat.completions.create(body).catch((e: unknown) => e);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    const error = (refused as InstanceType<typeof OpenAI.APIError>).error as { estimate: string };
    expect(Number(error.estimate)).toBeGreaterThan(1_500);
    expect(Number(error.estimate)).toBeLessThan(1_800);
    expect(await balanceOf(t.gw.url, poor.member.token)).toBe('1000');

    const rich = await fundedUser(20_000);
    await rich.client.chat.completions.create(body);
    const ledger = await request(t.gw.url)
      .get('/api/v1/credits/ledger')
      .auth(rich.member.token, { type: 'bearer' })
      .expect(200);
    // The call's one entry says what it held: the byte bound of the tools' JSON, not the 2
    // tokens of the message.
    const charge = (ledger.body.data as Array<{ kind: string; metadata: { held?: string } }>).find(
      (e) => e.kind === 'charge',
    );
    expect(Number(charge!.metadata.held)).toBeGreaterThan(8_000);
  });

  it.each([false, true])(
    'a call started upstream early (ample headroom) whose reservation is then refused gets the 402 and pays nothing (stream: %p)',
    async (stream) => {
      const { member, client } = await fundedUser(1_000);
      const ask = (max: number) =>
        client.chat.completions
          .create({
            model: 'sim-gpt',
            max_tokens: max,
            stream,
            messages: [{ role: 'user', content: 'one two three' }],
          })
          .then(async (r) => {
            if (stream) for await (const _ of r as AsyncIterable<unknown>) void _;
            return r;
          });
      // A first call shows this instance a balance far above the next call's worst case.
      await ask(2);
      const balance = await balanceOf(t.gw.url, member.token);
      expect(balance).toMatch(/^\d+\.\d+$/); // 1 credit per output token plus a micro-credit a call
      // Meanwhile another instance (straight SQL here) holds all but 1 credit.
      await t.gw.app
        .get(DataSource)
        .query(`SELECT * FROM credits_reserve($1, $2, NULL, 'elsewhere', $3, NULL, 0, 3600)`, [
          member.tenantId,
          member.id,
          String(parseCredits(balance) - 1_000_000n),
        ]);
      const refused = await ask(50).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
      expect(await balanceOf(t.gw.url, member.token)).toBe('1');
      await verifyClean(t.gw.url, t.adminToken);
    },
  );

  it('reserves for every answer asked for (n), and counts special-token text as text', async () => {
    const { client } = await fundedUser(3);
    const ask = (n: number, content = 'alpha beta') =>
      client.chat.completions.create({
        model: 'sim-gpt',
        max_tokens: 2,
        n,
        messages: [{ role: 'user', content }],
      });
    // Two answers of up to 2 tokens at 1 credit each may cost 4: more than the 3 credits held.
    const refused = await ask(2).catch((e: unknown) => e);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((refused as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ estimate: cost(4) });
    // A prompt that quotes a special token is ordinary text, short or long.
    const rich = (await fundedUser(10)).client;
    const say = (content: string) =>
      rich.chat.completions.create({
        model: 'sim-gpt',
        max_tokens: 2,
        messages: [{ role: 'user', content }],
      });
    await expect(say('what does <|endoftext|> mean?')).resolves.toMatchObject({
      object: 'chat.completion',
    });
    const long = 'quote <|endoftext|> and <|im_start|> '.repeat(600);
    await expect(say(long)).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it("enforces an API key's tokens per minute: counted at settlement, a 429 once spent, nothing charged", async () => {
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    await grant(t.gw.url, t.adminToken, member.id, '1000');
    const limited = t.clientWith((await createApiKey(t.gw.url, member.token, { tpm: 30 })).key);
    const free = t.clientWith((await createApiKey(t.gw.url, member.token)).key);
    const ask = (client: OpenAI) =>
      client.chat.completions
        .create({
          model: 'sim-gpt',
          max_tokens: 4,
          messages: [{ role: 'user', content: 'alpha beta gamma' }],
        })
        .withResponse();
    let used = 0;
    while (used < 30) {
      const { data, response } = await ask(limited);
      expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('30');
      expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBe(Math.max(0, 30 - used));
      used += data.usage!.total_tokens;
    }
    const balance = await balanceOf(t.gw.url, member.token);
    const refused = await ask(limited).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.code).toBe('tokens_rate_limit_exceeded');
    expect(error.message).toContain('30 tokens per minute');
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(await balanceOf(t.gw.url, member.token)).toBe(balance);
    // Another key of the same user, without a TPM, is not held back.
    await expect(ask(free)).resolves.toMatchObject({ response: expect.anything() });
  });

  it('charges nothing when the upstream fails on every attempt', async () => {
    const { member, client } = await fundedUser(10);
    const err = await client.chat.completions
      .create(
        { model: 'sim-gpt', max_tokens: 2, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-sim-fault': 'status=503' } },
      )
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect(await balanceOf(t.gw.url, member.token)).toBe('10');
    await verifyClean(t.gw.url, t.adminToken);
  });

  it('charges a stream the client cut for what was delivered', async () => {
    const { member, client } = await fundedUser(100);
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      {
        model: 'sim-gpt',
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ') }],
      },
      { headers: { 'x-sim-fault': 'chunk_delay=50' }, signal: controller.signal },
    );
    let chunks = 0;
    await (async () => {
      for await (const _ of stream) {
        if (++chunks === 4) controller.abort();
      }
    })().catch(() => undefined);
    // Settlement happens when the gateway sees the disconnect.
    let balance = '100';
    for (let i = 0; i < 50 && balance === '100'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const held = await request(t.gw.url)
        .get('/api/v1/credits/balance')
        .auth(member.token, { type: 'bearer' })
        .expect(200);
      balance = held.body.reserved === '0' ? held.body.balance : '100';
    }
    const spent = 100 - Number(balance);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThan(50);
    await verifyClean(t.gw.url, t.adminToken);
  });
});

describe('a process killed mid-call (embedded database)', () => {
  it('leaves a reservation that the next start releases; credits:verify is clean', async () => {
    const sim = await startSimulator({ port: 0, host: '127.0.0.1' });
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-sigkill-'));
    const env = {
      DATA_DIR: dataDir,
      SIMULATOR_URL: sim.url,
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      SIGNUP_CREDITS: '5',
    };
    try {
      const first = await spawnGateway(env);
      const admin = (await login(first.url, TEST_ADMIN.email, TEST_ADMIN.password)).access_token;
      const { key } = await createApiKey(first.url, admin);
      const before = await balanceOf(first.url, admin);
      // The upstream never answers: the reservation stays pending until the process dies.
      void fetch(`${first.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'x-sim-fault': 'hang',
        },
        body: JSON.stringify({
          model: 'sim-gpt',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'hang' }],
        }),
      }).catch(() => undefined);
      let reserved = '0';
      for (let i = 0; i < 100 && reserved === '0'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        reserved = (await request(first.url).get('/api/v1/credits/balance').auth(admin, { type: 'bearer' }))
          .body.reserved;
      }
      expect(reserved).not.toBe('0');
      first.child.kill('SIGKILL');
      await first.exited;

      const second = await spawnGateway(env);
      try {
        const token = (await login(second.url, TEST_ADMIN.email, TEST_ADMIN.password)).access_token;
        const after = await request(second.url)
          .get('/api/v1/credits/balance')
          .auth(token, { type: 'bearer' })
          .expect(200);
        expect(after.body.reserved).toBe('0');
        expect(after.body.balance).toBe(before);
        await verifyClean(second.url, token);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
