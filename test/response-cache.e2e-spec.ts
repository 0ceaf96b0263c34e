import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { AppLogger, RedisService } from '@switchyard/core';
import { CACHE_HIT_CLASS, UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import pino from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startSimulator, type Simulator } from '../apps/simulator/src/index.js';
import { createApiKey, loginAdmin, seedTenant } from './support/session.js';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

jest.setTimeout(30_000);

const MODEL = 'simulator/sim-gpt';
const CACHE = { 'x-switchyard-cache': 'ttl=600' };
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prompt no other test sends, so each test starts with an empty cache entry. */
const fresh = (words = 'one two three four') => `${words} ${randomUUID().slice(0, 8)}`;
const chatCalls = (sim: Simulator) => sim.requests.filter((r) => r.path.endsWith('/chat/completions')).length;

async function streamText(
  stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
): Promise<{ text: string; chunks: number; usage?: OpenAI.CompletionUsage; finish?: string | null }> {
  let text = '';
  let chunks = 0;
  let usage: OpenAI.CompletionUsage | undefined;
  let finish: string | null | undefined;
  for await (const chunk of stream) {
    expect(chunk.object).toBe('chat.completion.chunk');
    const delta = chunk.choices[0]?.delta?.content;
    if (delta) {
      text += delta;
      chunks++;
    }
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) usage = chunk.usage;
  }
  return { text, chunks, usage, finish };
}

describe('the response cache (in memory, price 0)', () => {
  let t: LlmGateway;
  let db: DataSource;
  beforeAll(async () => {
    t = await startLlmGateway();
    db = t.gw.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  const ask = (content: string, headers: Record<string, string> = CACHE, extra: object = {}) =>
    t.client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content }], ...extra }, { headers })
      .withResponse();

  it('misses, then hits without calling the provider; the hit costs 0 and is a cached usage record', async () => {
    const prompt = fresh();
    const before = chatCalls(t.sim);
    const first = await ask(prompt);
    expect(first.response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(chatCalls(t.sim)).toBe(before + 1);
    const second = await ask(prompt);
    expect(second.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(chatCalls(t.sim)).toBe(before + 1);
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(second.data.id).toBe(first.data.id);
    expect(second.data.model).toBe(MODEL);
    expect(second.response.headers.get('x-switchyard-model')).toBe(MODEL);
    expect(second.response.headers.get('x-switchyard-provider')).toBe('simulator');
    expect(second.response.headers.get('x-switchyard-cost')).toBe('0');
    expect((second.data.usage as unknown as { cost: string }).cost).toBe('0');
    expect(second.data.usage!.prompt_tokens).toBe(first.data.usage!.prompt_tokens);

    await t.gw.app.get(UsageRecorder).flush();
    const rows: Array<{ status: string; error_class: string | null; cost: string; request_id: string }> =
      await db.query(
        `SELECT status, error_class, cost::text AS cost, request_id FROM usage_records WHERE request_id = ANY($1) ORDER BY id`,
        [[first.response.headers.get('x-request-id'), second.response.headers.get('x-request-id')]],
      );
    expect(rows.map((r) => [r.status, r.error_class])).toEqual([
      ['ok', null],
      ['ok', CACHE_HIT_CLASS],
    ]);
    expect(rows[1]!.cost).toBe('0');
  });

  it("caches without a header for an API key that sets a TTL; a request's ttl=0 or no-store opts out", async () => {
    const created = await request(t.gw.url)
      .post('/api/v1/api-keys')
      .auth(t.member.token, { type: 'bearer' })
      .send({ name: 'cached key', cache_ttl_seconds: 600 })
      .expect(201);
    expect(created.body.cache_ttl_seconds).toBe(600);
    const client = t.clientWith(created.body.key as string);
    const prompt = fresh();
    const call = async (headers: Record<string, string> = {}) =>
      (
        await client.chat.completions
          .create({ model: MODEL, messages: [{ role: 'user', content: prompt }] }, { headers })
          .withResponse()
      ).response.headers.get('x-switchyard-cache');
    expect(await call()).toBe('miss');
    expect(await call()).toBe('hit');
    expect(await call({ 'x-switchyard-cache': 'ttl=0' })).toBeNull();
    expect(await call({ 'x-switchyard-cache': 'no-store' })).toBeNull();
    // Taken away: no longer cached.
    await request(t.gw.url)
      .patch(`/api/v1/api-keys/${created.body.id}`)
      .auth(t.member.token, { type: 'bearer' })
      .send({ cache_ttl_seconds: null })
      .expect(200);
    expect(await call()).toBeNull();
  });

  it('caches without a header the calls through a route that sets a TTL, keyed by the route', async () => {
    const name = `cached-${randomUUID().slice(0, 8)}`;
    const route = await request(t.gw.url)
      .post('/api/v1/routes')
      .auth(t.tenantAdmin.token, { type: 'bearer' })
      .send({ name, strategy: 'fallback', targets: [{ model: MODEL }], cache_ttl_seconds: 600 })
      .expect(201);
    expect(route.body.cache_ttl_seconds).toBe(600);
    const prompt = fresh();
    const before = chatCalls(t.sim);
    const viaRoute = () =>
      t.client.chat.completions
        .create({ model: name, messages: [{ role: 'user', content: prompt }] })
        .withResponse();
    expect((await viaRoute()).response.headers.get('x-switchyard-cache')).toBe('miss');
    const hit = await viaRoute();
    expect(hit.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(hit.response.headers.get('x-switchyard-route')).toBe(name);
    expect(hit.data.model).toBe(MODEL);
    // The model itself, without the route, is another entry (and not cached without a header).
    const direct = await ask(prompt, {});
    expect(direct.response.headers.get('x-switchyard-cache')).toBeNull();
    expect(chatCalls(t.sim)).toBe(before + 2);
  });

  it('is opt-in: without the header nothing is read or stored and there is no cache header', async () => {
    const prompt = fresh();
    const before = chatCalls(t.sim);
    const a = await ask(prompt, {});
    const b = await ask(prompt, {});
    expect(a.response.headers.get('x-switchyard-cache')).toBeNull();
    expect(b.response.headers.get('x-switchyard-cache')).toBeNull();
    expect(chatCalls(t.sim)).toBe(before + 2);
  });

  it('replays a stream as a stream, chunk for chunk, with usage when asked', async () => {
    const prompt = fresh('alpha beta gamma delta epsilon');
    const before = chatCalls(t.sim);
    const open = () =>
      t.client.chat.completions
        .create(
          {
            model: MODEL,
            stream: true,
            stream_options: { include_usage: true },
            messages: [{ role: 'user', content: prompt }],
          },
          { headers: CACHE },
        )
        .withResponse();
    const first = await open();
    expect(first.response.headers.get('x-switchyard-cache')).toBe('miss');
    const live = await streamText(first.data);
    const second = await open();
    expect(second.response.headers.get('x-switchyard-cache')).toBe('hit');
    const replayed = await streamText(second.data);
    expect(chatCalls(t.sim)).toBe(before + 1);
    expect(replayed.text).toBe(live.text);
    expect(replayed.text).toBe(`echo: ${prompt}`);
    expect(replayed.chunks).toBe(live.chunks);
    expect(replayed.chunks).toBeGreaterThanOrEqual(5);
    expect(replayed.finish).toBe('stop');
    expect(replayed.usage!.completion_tokens).toBe(live.usage!.completion_tokens);
    expect((replayed.usage as unknown as { cost: string }).cost).toBe('0');
  });

  it('stores a stream that did not ask for usage, and sends it no usage chunk either way', async () => {
    const prompt = fresh();
    const open = () =>
      t.client.chat.completions.create(
        { model: MODEL, stream: true, messages: [{ role: 'user', content: prompt }] },
        { headers: CACHE },
      );
    const before = chatCalls(t.sim);
    const live = await streamText(await open());
    const replayed = await streamText(await open());
    expect(chatCalls(t.sim)).toBe(before + 1);
    expect(live.usage).toBeUndefined();
    expect(replayed.usage).toBeUndefined();
    expect(replayed.text).toBe(live.text);
  });

  it("serves a plain call's entry to a stream, and a stream's entry to a plain call", async () => {
    const plainFirst = fresh();
    const before = chatCalls(t.sim);
    const plain = await ask(plainFirst);
    const asStream = await t.client.chat.completions
      .create(
        {
          model: MODEL,
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: plainFirst }],
        },
        { headers: CACHE },
      )
      .withResponse();
    expect(asStream.response.headers.get('x-switchyard-cache')).toBe('hit');
    const replayed = await streamText(asStream.data);
    expect(replayed.text).toBe(plain.data.choices[0]!.message.content);
    expect(replayed.finish).toBe('stop');
    expect(replayed.usage!.prompt_tokens).toBe(plain.data.usage!.prompt_tokens);

    const streamFirst = fresh();
    const live = await streamText(
      await t.client.chat.completions.create(
        { model: MODEL, stream: true, messages: [{ role: 'user', content: streamFirst }] },
        { headers: CACHE },
      ),
    );
    const asPlain = await ask(streamFirst);
    expect(asPlain.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(asPlain.data.object).toBe('chat.completion');
    expect(asPlain.data.choices[0]!.message).toMatchObject({ role: 'assistant', content: live.text });
    expect(asPlain.data.choices[0]!.finish_reason).toBe('stop');
    expect(asPlain.data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(chatCalls(t.sim)).toBe(before + 2);
  });

  it('caches a tool-call answer and replays it as a stream with the same call', async () => {
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const prompt = fresh('Weather in Oslo?');
    const first = await ask(prompt, CACHE, { tools });
    const call = first.data.choices[0]!.message.tool_calls![0]!;
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of await t.client.chat.completions.create(
      { model: MODEL, tools, stream: true, messages: [{ role: 'user', content: prompt }] },
      { headers: CACHE },
    ))
      chunks.push(chunk);
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, id: call.id, function: { name: 'get_weather' } });
    expect(deltas.map((d) => d.function?.arguments ?? '').join('')).toBe(
      call.type === 'function' ? call.function.arguments : '',
    );
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('keys on what changes the answer, not on what does not', async () => {
    const prompt = fresh();
    await ask(prompt, CACHE, { temperature: 0.2, user: 'alice', metadata: { a: '1' } });
    const before = chatCalls(t.sim);
    // user, metadata and the model's alias do not change the answer.
    const same = await t.client.chat.completions
      .create(
        { model: 'sim-gpt', temperature: 0.2, user: 'bob', messages: [{ role: 'user', content: prompt }] },
        {
          headers: CACHE,
        },
      )
      .withResponse();
    expect(same.response.headers.get('x-switchyard-cache')).toBe('hit');
    // temperature, seed and max_tokens do.
    for (const extra of [
      { temperature: 0.3 },
      { temperature: 0.2, seed: 7 },
      { temperature: 0.2, max_tokens: 5 },
    ]) {
      const other = await ask(prompt, CACHE, extra);
      expect(other.response.headers.get('x-switchyard-cache')).toBe('miss');
    }
    expect(chatCalls(t.sim)).toBe(before + 3);
  });

  it('is never shared across tenants', async () => {
    const prompt = fresh();
    await ask(prompt);
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    const { key } = await createApiKey(t.gw.url, member.token);
    const before = chatCalls(t.sim);
    const other = await t
      .clientWith(key)
      .chat.completions.create(
        { model: MODEL, messages: [{ role: 'user', content: prompt }] },
        { headers: CACHE },
      )
      .withResponse();
    expect(other.response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(chatCalls(t.sim)).toBe(before + 1);
    // The same tenant's other user shares it.
    const { key: sameTenant } = await createApiKey(t.gw.url, t.tenantAdmin.token);
    const colleague = await t
      .clientWith(sameTenant)
      .chat.completions.create(
        { model: MODEL, messages: [{ role: 'user', content: prompt }] },
        { headers: CACHE },
      )
      .withResponse();
    expect(colleague.response.headers.get('x-switchyard-cache')).toBe('hit');
  });

  it('honours no-store (neither read nor written) and no-cache (not read, written)', async () => {
    const prompt = fresh();
    const before = chatCalls(t.sim);
    const skipped = await ask(prompt, { 'x-switchyard-cache': 'ttl=600, no-store' });
    expect(skipped.response.headers.get('x-switchyard-cache')).toBeNull();
    await ask(prompt, { ...CACHE, 'cache-control': 'no-store' });
    expect((await ask(prompt)).response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(chatCalls(t.sim)).toBe(before + 3);
    // Stored now; no-store skips the read too.
    await ask(prompt, { 'x-switchyard-cache': 'no-store' });
    expect(chatCalls(t.sim)).toBe(before + 4);
    const refreshed = await ask(prompt, { ...CACHE, 'cache-control': 'no-cache' });
    expect(refreshed.response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(chatCalls(t.sim)).toBe(before + 5);
    expect((await ask(prompt)).response.headers.get('x-switchyard-cache')).toBe('hit');
  });

  it('expires an entry after its TTL, and a caller may ask for fresher than the writer kept', async () => {
    const prompt = fresh();
    await ask(prompt, { 'x-switchyard-cache': 'ttl=1' });
    expect(
      (await ask(prompt, { 'x-switchyard-cache': 'ttl=1' })).response.headers.get('x-switchyard-cache'),
    ).toBe('hit');
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await ask(prompt)).response.headers.get('x-switchyard-cache')).toBe('miss');
    // Stored with ttl=600 just now: a caller asking for at most 1 s old gets it only within 1 s.
    await new Promise((r) => setTimeout(r, 1_100));
    expect(
      (await ask(prompt, { 'x-switchyard-cache': 'ttl=1' })).response.headers.get('x-switchyard-cache'),
    ).toBe('miss');
  });

  it('does not store a failed answer', async () => {
    const prompt = fresh();
    const failed = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .set('x-switchyard-cache', 'ttl=600')
      .set('x-sim-fault', 'status=400')
      .send({ model: MODEL, messages: [{ role: 'user', content: prompt }] });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect((await ask(prompt)).response.headers.get('x-switchyard-cache')).toBe('miss');
  });

  it('does not store a stream that breaks mid-way', async () => {
    const prompt = fresh('one two three four five six seven eight');
    const broken = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .set('x-switchyard-cache', 'ttl=600')
      .set('x-sim-fault', 'drop_after=3')
      .send({ model: MODEL, stream: true, messages: [{ role: 'user', content: prompt }] });
    expect(broken.headers['x-switchyard-cache']).toBe('miss');
    expect(broken.text).not.toContain('[DONE]');
    const before = chatCalls(t.sim);
    expect((await ask(prompt)).response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(chatCalls(t.sim)).toBe(before + 1);
  });

  it('refuses a malformed cache header with 400', async () => {
    const res = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .set('x-switchyard-cache', 'forever')
      .send({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })
      .expect(400);
    expect(res.body.error.code).toBe('invalid_cache_header');
  });

  it('serves a Responses (/v1/responses) call from the cache, plain and streamed', async () => {
    const input = fresh();
    const before = chatCalls(t.sim);
    const first = await t.client.responses.create({ model: MODEL, input }, { headers: CACHE }).withResponse();
    const second = await t.client.responses
      .create({ model: MODEL, input }, { headers: CACHE })
      .withResponse();
    expect(first.response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(second.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(second.data.output_text).toBe(first.data.output_text);
    expect(second.data.id).not.toBe(first.data.id);
    const stream = await t.client.responses.create({ model: MODEL, input, stream: true }, { headers: CACHE });
    let text = '';
    let completed = false;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = true;
    }
    expect(text).toBe(first.data.output_text);
    expect(completed).toBe(true);
    expect(chatCalls(t.sim)).toBe(before + 1);
  });

  it('serves a Messages (/v1/messages) call from the cache in the Anthropic shape', async () => {
    const prompt = fresh();
    const send = () =>
      request(t.gw.url)
        .post('/v1/messages')
        .set('x-api-key', t.key)
        .set('anthropic-version', '2023-06-01')
        .set('x-switchyard-cache', 'ttl=600')
        .send({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: prompt }] })
        .expect(200);
    const before = chatCalls(t.sim);
    const first = await send();
    const second = await send();
    expect(first.headers['x-switchyard-cache']).toBe('miss');
    expect(second.headers['x-switchyard-cache']).toBe('hit');
    expect(chatCalls(t.sim)).toBe(before + 1);
    expect(second.body).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn' });
    expect(second.body.content).toEqual(first.body.content);
    expect(second.body.usage.input_tokens).toBe(first.body.usage.input_tokens);
  });
});

describe('the response cache in Redis, priced, across two instances', () => {
  let sim: Simulator;
  let a: TestGateway;
  let b: TestGateway;
  let adminToken: string;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1' });
    const env = {
      REDIS_URL,
      SIMULATOR_URL: sim.url,
      CACHE_HIT_PRICE: '0.001',
      SIGNUP_CREDITS: '1',
      LOG_FORMAT: 'json',
    };
    a = await startTestGateway({ env });
    b = await startTestGateway({ databaseUrl: a.databaseUrl, env });
    adminToken = await loginAdmin(a.url);
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
    await sim?.close();
  });

  it('a miss on one instance is a hit on the other, charged the cache price in one ledger entry', async () => {
    const { member } = await seedTenant(a.url, adminToken);
    const { key } = await createApiKey(a.url, member.token);
    const body = { model: MODEL, messages: [{ role: 'user', content: fresh() }] };
    const before = chatCalls(sim);
    const miss = await request(a.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key}`)
      .set(CACHE)
      .send(body)
      .expect(200);
    expect(miss.headers['x-switchyard-cache']).toBe('miss');
    const missCost = miss.body.usage.cost as string;
    expect(Number(missCost)).toBeGreaterThan(0);
    const hit = await request(b.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key}`)
      .set(CACHE)
      .send({ ...body, stream: true })
      .expect(200);
    expect(hit.headers['x-switchyard-cache']).toBe('hit');
    expect(hit.headers['x-switchyard-cost']).toBe('0.001');
    expect(hit.text).toContain('data: [DONE]');
    expect(chatCalls(sim)).toBe(before + 1);

    const db = a.app.get(DataSource);
    const entries: Array<{ kind: string; amount: string; metadata: { cached?: boolean } }> = await db.query(
      `SELECT kind, amount::text AS amount, metadata FROM credit_ledger WHERE user_id = $1 ORDER BY id`,
      [member.id],
    );
    const hitEntries = entries.filter((e) => e.metadata.cached === true);
    expect(hitEntries).toEqual([expect.objectContaining({ kind: 'charge', amount: '-1000' })]);
    const balance = await request(a.url)
      .get('/api/v1/credits/balance')
      .auth(member.token, { type: 'bearer' })
      .expect(200);
    const spent = 1 - Number(balance.body.balance);
    expect(spent).toBeCloseTo(Number(missCost) + 0.001, 6);
    const sum = entries.reduce((s, e) => s + BigInt(e.amount), 0n);
    expect(sum.toString()).toBe(String(Math.round(Number(balance.body.balance) * 1e6)));
    const verify = await request(a.url)
      .get('/api/v1/credits/verify')
      .auth(adminToken, { type: 'bearer' })
      .expect(200);
    expect(verify.body).toMatchObject({ ok: true, mismatches: [] });

    await b.app.get(UsageRecorder).flush();
    const [row] = await db.query(
      `SELECT status, error_class, cost::text AS cost FROM usage_records WHERE request_id = $1`,
      [hit.headers['x-request-id']],
    );
    expect(row).toEqual({ status: 'ok', error_class: CACHE_HIT_CLASS, cost: '1000' });
  });

  it('a cache read that Redis refuses is a miss, and the warning names the call', async () => {
    const { member } = await seedTenant(a.url, adminToken);
    const { key } = await createApiKey(a.url, member.token);
    const body = { model: MODEL, messages: [{ role: 'user', content: fresh() }] };
    const call = (url: string) =>
      request(url).post('/v1/chat/completions').set('authorization', `Bearer ${key}`).set(CACHE).send(body);
    expect((await call(a.url).expect(200)).headers['x-switchyard-cache']).toBe('miss');
    // The stored entry becomes a list, which GET refuses (WRONGTYPE).
    const redis = a.app.get(RedisService).client!;
    const [, stored] = await redis.scan('0', 'MATCH', `sy:rc:${member.tenantId}:*`, 'COUNT', 10_000);
    expect(stored).toHaveLength(1);
    await redis.del(stored[0]!);
    await redis.rpush(stored[0]!, 'not an answer');
    // What instance b logs, one JSON line per event.
    const lines: string[] = [];
    const logger = b.app.get(AppLogger).pino as unknown as Record<symbol, { write(s: string): boolean }>;
    const stream = logger[pino.symbols.streamSym]!;
    const write = stream.write;
    stream.write = (line: string) => {
      lines.push(line);
      return write.call(stream, line);
    };
    try {
      const missed = await call(b.url).expect(200);
      expect(missed.headers['x-switchyard-cache']).toBe('miss');
      // A model call runs outside the request context (decision 0037): the line names it itself.
      const warning = lines
        .map((l) => JSON.parse(l) as { msg?: string; req?: { id?: string } })
        .find((l) => l.msg?.startsWith('response cache read failed'));
      expect(warning?.req?.id).toBe(missed.headers['x-request-id']);
    } finally {
      stream.write = write;
    }
  });

  it('refuses a priced hit the balance does not cover with 402, writing nothing', async () => {
    const { member } = await seedTenant(a.url, adminToken);
    const { key } = await createApiKey(a.url, member.token);
    const body = { model: MODEL, messages: [{ role: 'user', content: fresh() }] };
    await request(a.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key}`)
      .set(CACHE)
      .send(body)
      .expect(200);
    // Spend the rest of the balance.
    const balance = (
      await request(a.url).get('/api/v1/credits/balance').auth(member.token, { type: 'bearer' }).expect(200)
    ).body.balance as string;
    await request(a.url)
      .post('/api/v1/credits/grants')
      .auth(adminToken, { type: 'bearer' })
      .set('Idempotency-Key', randomUUID())
      .send({ user_id: member.id, amount: `-${balance}`, kind: 'adjustment', reason: 'empty it' })
      .expect(201);
    const refused = await request(b.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key}`)
      .set(CACHE)
      .send(body)
      .expect(402);
    expect(refused.body.error.type).toBe('insufficient_credits');
  });
});
