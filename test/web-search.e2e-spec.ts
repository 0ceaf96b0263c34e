import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatCredits } from '@switchyard/core';
import { UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers carry fields beyond the SDK's types
type Json = Record<string, any>;

const PRICE = '0.005';
const slug = (q: string) =>
  q
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

describe('web search with citations (simulator search endpoint, real Postgres)', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    // No SEARCH_PROVIDER: the simulator's search endpoint serves (the offline demo's wiring).
    t = await startLlmGateway({
      env: { SIGNUP_CREDITS: '100', SEARCH_MAX_RESULTS: '3', SEARCH_TIMEOUT_MS: '700' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function rows(sql: string, params: unknown[]): Promise<Json[]> {
    await t.gw.app.get(UsageRecorder).flush();
    return t.gw.app.get(DataSource).query(sql, params);
  }

  /** The request's one charge is the sum of its usage records (model steps and searches); the ledger verifies. */
  async function expectLedger(
    requestId: string,
    reportedCost: string,
  ): Promise<{ usage: Json[]; metadata: Json[] }> {
    const usage = await rows(
      'SELECT provider, model, cost::text AS cost, status FROM usage_records WHERE request_id = $1 ORDER BY id',
      [requestId],
    );
    const charges = await rows(
      "SELECT amount::text AS amount, metadata FROM credit_ledger WHERE request_id = $1 AND kind = 'charge'",
      [requestId],
    );
    const charged = charges.reduce((s, r) => s - BigInt(r.amount), 0n);
    expect(formatCredits(charged)).toBe(reportedCost);
    expect(usage.reduce((s, r) => s + BigInt(r.cost), 0n)).toBe(charged);
    const verify = await request(t.gw.url)
      .get('/api/v1/credits/verify')
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    expect(verify.body.ok).toBe(true);
    return { usage, metadata: charges.map((c) => c.metadata as Json) };
  }

  const searches = (since: number) => t.sim.requests.slice(since).filter((r) => r.path === '/search');

  function expectCitations(content: string, annotations: Json[], query: string, numbers: number[]): void {
    expect(annotations.map((a) => a.type)).toEqual(numbers.map(() => 'url_citation'));
    annotations.forEach((a, i) => {
      const n = numbers[i]!;
      const { url, title, start_index, end_index } = a.url_citation;
      expect(content.slice(start_index, end_index)).toBe(`[${n}]`);
      expect(url).toBe(`https://search.sim.example/${slug(query)}/${n}`);
      expect(title).toBe(`Result ${n} for ${query}`);
    });
  }

  for (const [name, extra] of [
    [':online', { model: 'simulator/sim-gpt:online' }],
    ['plugins web', { model: 'simulator/sim-gpt', plugins: [{ id: 'web' }] }],
    [
      'web_search_options',
      { model: 'simulator/sim-gpt', web_search_options: { search_context_size: 'low' } },
    ],
  ] as const) {
    it(`${name}: one search for the last message, sources in the prompt, url_citation annotations, priced as its own line`, async () => {
      const requestId = `ws-${randomUUID()}`;
      const prompt = `Who won the match yesterday ${name}`;
      const since = t.sim.requests.length;
      const res = (await t.client.chat.completions.create(
        {
          ...extra,
          messages: [{ role: 'user', content: prompt }],
        } as OpenAI.ChatCompletionCreateParamsNonStreaming,
        { headers: { 'x-request-id': requestId } },
      )) as OpenAI.ChatCompletion & Json;
      const message = res.choices[0]!.message;
      expect(message.content).toBe(`echo: ${prompt} [1] [2] [3]`);
      expectCitations(message.content!, message.annotations as Json[], prompt, [1, 2, 3]);
      // The search reached the simulator with the query; the model got the numbered sources.
      const [search] = searches(since);
      expect(search!.body).toMatchObject({ q: prompt, format: 'json' });
      const call = t.sim.requests.slice(since).find((r) => r.path === '/v1/chat/completions')!.body as Json;
      expect(call.model).toBe('sim-gpt');
      expect(call.messages[0].content).toContain(`[1] Result 1 for ${prompt}`);
      expect(call).not.toHaveProperty('plugins');
      expect(call).not.toHaveProperty('web_search_options');
      expect(res.switchyard.plan).toMatchObject({
        strategy: 'search',
        search: { mode: 'forced', provider: 'simulator' },
      });
      expect(res.switchyard.search.searches).toEqual([
        expect.objectContaining({ query: prompt, status: 'ok', results: 3, cost: PRICE }),
      ]);
      const { usage, metadata } = await expectLedger(requestId, (res.usage as Json).cost as string);
      expect(usage.map((u) => [u.model, u.status])).toEqual([
        ['simulator/sim-gpt', 'ok'],
        ['simulator/web-search', 'ok'],
      ]);
      expect(usage[1]!.cost).toBe('5000');
      expect(metadata[0]!.steps).toContainEqual({
        model: 'simulator/web-search',
        kind: 'search',
        status: 'ok',
        cost: '5000',
      });
    });
  }

  it(':online streaming: the annotations come in a delta before the finish chunk', async () => {
    const requestId = `ws-${randomUUID()}`;
    const prompt = 'Latest news about the Mars rover';
    const stream = await t.client.chat.completions.create(
      { model: 'simulator/sim-gpt:online', stream: true, messages: [{ role: 'user', content: prompt }] },
      { headers: { 'x-request-id': requestId } },
    );
    let content = '';
    let annotations: Json[] = [];
    const order: string[] = [];
    let last: Json | undefined;
    for await (const chunk of stream as AsyncIterable<Json>) {
      const choice = chunk.choices[0];
      if (choice?.delta?.content) content += choice.delta.content;
      if (choice?.delta?.annotations) {
        annotations = choice.delta.annotations;
        order.push('annotations');
      }
      if (choice?.finish_reason) order.push('finish');
      if (chunk.choices.length === 0) last = chunk;
    }
    expect(order).toEqual(['annotations', 'finish']);
    expect(content).toBe(`echo: ${prompt} [1] [2] [3]`);
    expectCitations(content, annotations, prompt, [1, 2, 3]);
    await expectLedger(requestId, last!.usage.cost);
  });

  it('search "auto": the model calls web_search, the gateway runs it and the model cites the results', async () => {
    const requestId = `ws-${randomUUID()}`;
    const since = t.sim.requests.length;
    const res = (await t.client.chat.completions.create(
      {
        model: 'simulator/sim-gpt',
        search: 'auto',
        messages: [{ role: 'user', content: 'Hi there' }],
      } as never,
      { headers: { 'x-request-id': requestId } },
    )) as OpenAI.ChatCompletion & Json;
    const content = res.choices[0]!.message.content!;
    // The simulator fills the tool's required query with "sim" and answers the tool result.
    expect(content).toMatch(/^tool result: \[1\] Result 1 for sim/);
    expect(res.choices[0]!.message.tool_calls).toBeUndefined();
    expectCitations(content, res.choices[0]!.message.annotations as Json[], 'sim', [1, 2, 3]);
    expect(searches(since).map((s) => (s.body as Json).q)).toEqual(['sim']);
    const calls = t.sim.requests.slice(since).filter((r) => r.path === '/v1/chat/completions');
    expect((calls[0]!.body as Json).tools[0].function.name).toBe('web_search');
    expect(res.switchyard.steps.map((s: Json) => [s.id, s.role])).toEqual([
      ['round-1', 'searcher'],
      ['round-2', 'searcher'],
      ['search-1', 'search'],
    ]);
    await expectLedger(requestId, (res.usage as Json).cost as string);
  });

  it('SEARCH_MAX_ROUNDS is honoured when the model keeps calling the tool; then it must answer', async () => {
    const requestId = `ws-${randomUUID()}`;
    const since = t.sim.requests.length;
    const stream = await t.client.chat.completions.create(
      {
        model: 'simulator/sim-gpt-looper',
        search: 'auto',
        stream: true,
        messages: [{ role: 'user', content: 'Keep looking' }],
      } as never,
      { headers: { 'x-request-id': requestId } },
    );
    let content = '';
    let last: Json | undefined;
    for await (const chunk of stream as unknown as AsyncIterable<Json>) {
      content += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.choices.length === 0) last = chunk;
    }
    expect(searches(since)).toHaveLength(2);
    const calls = t.sim.requests.slice(since).filter((r) => r.path === '/v1/chat/completions');
    expect(calls).toHaveLength(3);
    expect((calls[2]!.body as Json).tool_choice).toBe('none');
    // A looper ignores tool results: its answer is the plain echo, with no tool call.
    expect(content).toBe('echo: Keep looking');
    // The same URLs keep their numbers: the second search found the same pages.
    expect(last!.switchyard.search.sources).toHaveLength(3);
    const { usage } = await expectLedger(requestId, last!.usage.cost);
    expect(usage.filter((u) => u.model === 'simulator/web-search')).toHaveLength(2);
    expect(BigInt(last!.switchyard.search.searches.length) * 5000n).toBe(10000n);
  });

  it('auto with a fresh-facts prompt offers the tool and cites (plain and streaming)', async () => {
    const requestId = `ws-${randomUUID()}`;
    const prompt = 'What is the weather today in Paris?';
    const res = (await t.client.chat.completions.create(
      { model: 'auto', messages: [{ role: 'user', content: prompt }] },
      { headers: { 'x-request-id': requestId } },
    )) as OpenAI.ChatCompletion & Json;
    expect(res.switchyard.classification.needs_web).toBe(true);
    expect(res.switchyard.plan.strategy).toBe('search');
    expect(res.moe_metadata.strategy).toBe('search');
    expect(res.switchyard.plan.notes).toContain('web search: the request needs fresh facts (needs_web)');
    const content = res.choices[0]!.message.content!;
    expectCitations(content, res.choices[0]!.message.annotations as Json[], 'sim', [1, 2, 3]);
    await expectLedger(requestId, (res.usage as Json).cost as string);
    const stream = await t.client.chat.completions.create({
      model: 'auto',
      stream: true,
      messages: [{ role: 'user', content: prompt }],
    });
    let streamed = '';
    let annotations: Json[] = [];
    for await (const chunk of stream as AsyncIterable<Json>) {
      streamed += chunk.choices[0]?.delta?.content ?? '';
      annotations = chunk.choices[0]?.delta?.annotations ?? annotations;
    }
    expect(streamed).toBe(content);
    expect(annotations).toHaveLength(3);
  });

  it('a failing search still answers, without sources, says so, and charges only the model', async () => {
    const requestId = `ws-${randomUUID()}`;
    const prompt = 'news today fault:503';
    const res = (await t.client.chat.completions.create(
      { model: 'simulator/sim-gpt:online', messages: [{ role: 'user', content: prompt }] },
      { headers: { 'x-request-id': requestId } },
    )) as OpenAI.ChatCompletion & Json;
    expect(res.choices[0]!.message.content).toBe(`echo: ${prompt}`);
    expect(res.choices[0]!.message.annotations).toEqual([]);
    expect(res.switchyard.search.note).toMatch(/the search failed \(simulator answered 503\).*not charged/);
    expect(res.switchyard.search.searches).toEqual([expect.objectContaining({ status: 'error', cost: '0' })]);
    const { usage } = await expectLedger(requestId, (res.usage as Json).cost as string);
    expect(usage.map((u) => [u.model, u.status, u.cost])).toEqual([
      ['simulator/sim-gpt', 'ok', expect.any(String)],
      ['simulator/web-search', 'error', '0'],
    ]);
  });

  it('a search past SEARCH_TIMEOUT_MS is cut; the answer goes on without sources', async () => {
    const requestId = `ws-${randomUUID()}`;
    const started = Date.now();
    const res = (await t.client.chat.completions.create(
      { model: 'simulator/sim-gpt:online', messages: [{ role: 'user', content: 'news fault:hang' }] },
      { headers: { 'x-request-id': requestId } },
    )) as OpenAI.ChatCompletion & Json;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.switchyard.search.searches[0]).toMatchObject({ status: 'error', cost: '0' });
    expect(res.switchyard.search.searches[0].error).toMatch(/too long/);
    await expectLedger(requestId, (res.usage as Json).cost as string);
  });

  it('refuses malformed search fields and tools with search (400 naming the field)', async () => {
    for (const [body, param] of [
      [{ model: 'simulator/sim-gpt', search: 'always' }, 'search'],
      [{ model: 'simulator/sim-gpt', plugins: 'web' }, 'plugins'],
      [{ model: 'simulator/sim-gpt', web_search_options: 'low' }, 'web_search_options'],
      [
        {
          model: 'simulator/sim-gpt:online',
          tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        },
        'tools',
      ],
    ] as const) {
      const err = (await t.client.chat.completions
        .create({ ...body, messages: [{ role: 'user', content: 'x' }] } as never)
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect([err.status, err.param]).toEqual([400, param]);
    }
  });
});

describe('web search off', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({ env: { SEARCH_PROVIDER: 'off' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it(':online is a 400 search_unavailable; auto with a fresh-facts prompt answers without searching', async () => {
    const err = (await t.client.chat.completions
      .create({ model: 'simulator/sim-gpt:online', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect([err.status, err.code, err.param]).toEqual([400, 'search_unavailable', 'model']);
    const res = (await t.client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'What is the weather today?' }],
    })) as OpenAI.ChatCompletion & Json;
    expect(res.switchyard.plan.strategy).toBe('single');
    expect(res.switchyard.plan.notes).toContain(
      'the request needs fresh facts, but web search is off (SEARCH_PROVIDER)',
    );
  });
});
