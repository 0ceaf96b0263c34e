import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatCredits } from '@switchyard/core';
import { UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, seedTenant } from './support/session.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers carry fields beyond the SDK's types
type Json = Record<string, any>;

const VOTE = {
  name: 'panel',
  strategy: 'vote',
  strategy_params: {
    voters: ['simulator/sim-gpt', 'simulator/sim-gpt-mini', 'simulator/sim-wrong'],
    judge: 'simulator/sim-gpt',
  },
};

describe('named routes with an orchestration strategy (simulator, real Postgres)', () => {
  let t: LlmGateway;
  const create = (body: Record<string, unknown>) =>
    request(t.gw.url).post('/api/v1/routes').auth(t.tenantAdmin.token, { type: 'bearer' }).send(body);

  async function rows(sql: string, params: unknown[]): Promise<Json[]> {
    await t.gw.app.get(UsageRecorder).flush();
    return t.gw.app.get(DataSource).query(sql, params);
  }

  /** One usage record per step; their sum is the one ledger charge and `usage.cost`. */
  async function expectLedgerIsSumOfSteps(requestId: string, reportedCost: string): Promise<Json[]> {
    const usage = await rows(
      'SELECT model, cost::text AS cost FROM usage_records WHERE request_id = $1 ORDER BY id',
      [requestId],
    );
    const charges = await rows(
      "SELECT amount::text AS amount FROM credit_ledger WHERE request_id = $1 AND kind = 'charge'",
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
    return usage;
  }

  beforeAll(async () => {
    t = await startLlmGateway({ env: { SIGNUP_CREDITS: '100' } });
    for (const body of [
      VOTE,
      {
        name: 'thinker',
        strategy: 'mix',
        strategy_params: { reasoner: 'simulator/sim-reasoner', answerer: 'simulator/sim-gpt' },
      },
      {
        name: 'editor',
        strategy: 'chain',
        strategy_params: {
          draft: 'simulator/sim-gpt-mini',
          critique: 'simulator/sim-gpt',
          refine: 'simulator/sim-gpt',
        },
      },
    ]) {
      const res = await create(body);
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores the strategy and its step models; the targets are those models', async () => {
    const list = await request(t.gw.url).get('/api/v1/routes').auth(t.tenantAdmin.token, { type: 'bearer' });
    const panel = (list.body.data as Json[]).find((r) => r.name === 'panel')!;
    expect(panel).toMatchObject({ strategy: 'vote', strategy_params: VOTE.strategy_params });
    expect(panel.targets.map((x: Json) => x.model)).toEqual([
      'simulator/sim-gpt',
      'simulator/sim-gpt-mini',
      'simulator/sim-wrong',
    ]);
  });

  it('vote by name: majority of the voters, explained, one usage record per step, charged their sum', async () => {
    const requestId = `rvote-${randomUUID()}`;
    const { data, response } = await t.client.chat.completions
      .create(
        { model: 'panel', messages: [{ role: 'user', content: 'Capital of France?' }] },
        { headers: { 'x-request-id': requestId } },
      )
      .withResponse();
    const res = data as OpenAI.ChatCompletion & Json;
    expect(res.choices[0]!.message.content).toBe('echo: Capital of France?');
    expect(response.headers.get('x-switchyard-strategy')).toBe('vote');
    expect(response.headers.get('x-switchyard-route')).toBe('panel');
    expect(res.moe_metadata).toMatchObject({ strategy: 'vote' });
    expect(res.moe_metadata.models_used).toEqual(
      expect.arrayContaining(['simulator/sim-gpt', 'simulator/sim-gpt-mini', 'simulator/sim-wrong']),
    );
    expect(res.switchyard.route).toBe('panel');
    expect(res.switchyard.decision).toBe('majority (2 of 3)');
    expect(res.switchyard.plan.steps.map((s: Json) => [s.id, s.model])).toEqual([
      ['vote-1', 'simulator/sim-gpt'],
      ['vote-2', 'simulator/sim-gpt-mini'],
      ['vote-3', 'simulator/sim-wrong'],
      ['judge', 'simulator/sim-gpt'],
    ]);
    expect(res.switchyard.plan.steps[0].why).toBe("the route 'panel' names it");
    const usage = await expectLedgerIsSumOfSteps(requestId, (res.usage as Json).cost);
    expect(usage.map((u) => u.model).sort()).toEqual([
      'simulator/sim-gpt',
      'simulator/sim-gpt-mini',
      'simulator/sim-wrong',
    ]);
  });

  it('vote by `route`, streaming: the answer, then usage and the explanation in the last chunk', async () => {
    const requestId = `rvote-${randomUUID()}`;
    const stream = await t.client.chat.completions.create(
      {
        model: 'simulator/sim-gpt',
        route: 'panel',
        stream: true,
        messages: [{ role: 'user', content: 'Capital of Spain?' }],
      } as OpenAI.ChatCompletionCreateParamsStreaming,
      { headers: { 'x-request-id': requestId } },
    );
    let content = '';
    let last: Json | undefined;
    for await (const chunk of stream as AsyncIterable<Json>) {
      content += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.choices.length === 0) last = chunk;
    }
    expect(content).toBe('echo: Capital of Spain?');
    expect(last!.moe_metadata.strategy).toBe('vote');
    expect(last!.switchyard.steps).toHaveLength(3);
    const usage = await expectLedgerIsSumOfSteps(requestId, last!.usage.cost);
    expect(usage).toHaveLength(3);
  });

  it('mix by name streams the reasoning first, then the answer', async () => {
    const requestId = `rmix-${randomUUID()}`;
    const stream = await t.client.chat.completions.create(
      { model: 'thinker', stream: true, messages: [{ role: 'user', content: 'Hello there' }] },
      { headers: { 'x-request-id': requestId } },
    );
    const kinds: string[] = [];
    let reasoning = '';
    let content = '';
    let last: Json | undefined;
    for await (const chunk of stream as AsyncIterable<Json>) {
      const delta = chunk.choices[0]?.delta ?? {};
      if (delta.reasoning_content) {
        kinds.push('reasoning');
        reasoning += delta.reasoning_content;
      }
      if (delta.content) {
        kinds.push('content');
        content += delta.content;
      }
      if (chunk.choices.length === 0) last = chunk;
    }
    expect(kinds.indexOf('reasoning')).toBe(0);
    expect(kinds.indexOf('content')).toBeGreaterThan(kinds.lastIndexOf('reasoning'));
    expect(reasoning).toContain('thinking: the user asks "Hello there"');
    expect(content).toBe('echo: Hello there');
    expect(last!.moe_metadata.models_used).toEqual(['simulator/sim-reasoner', 'simulator/sim-gpt']);
    const usage = await expectLedgerIsSumOfSteps(requestId, last!.usage.cost);
    expect(usage.map((u) => u.model)).toEqual(['simulator/sim-reasoner', 'simulator/sim-gpt']);
  });

  it('chain by name: draft, critique and refine on the named models', async () => {
    const requestId = `rchain-${randomUUID()}`;
    const res = (await t.client.chat.completions.create(
      { model: 'editor', messages: [{ role: 'user', content: 'A haiku about rain' }] },
      { headers: { 'x-request-id': requestId } },
    )) as OpenAI.ChatCompletion & Json;
    expect(res.choices[0]!.message.content).toBe('echo: A haiku about rain');
    expect(res.switchyard.steps.map((s: Json) => [s.id, s.model])).toEqual([
      ['draft', 'simulator/sim-gpt-mini'],
      ['critique', 'simulator/sim-gpt'],
      ['refine', 'simulator/sim-gpt'],
    ]);
    const usage = await expectLedgerIsSumOfSteps(requestId, (res.usage as Json).cost);
    expect(usage).toHaveLength(3);
  });

  it('refuses bad definitions with the field named, and writes nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'b1', strategy: 'vote' }, 'strategy_params'],
      [
        { name: 'b2', strategy: 'vote', strategy_params: { voters: VOTE.strategy_params.voters } },
        'strategy_params.judge',
      ],
      [
        { name: 'b3', strategy: 'vote', strategy_params: { ...VOTE.strategy_params, judge: 'nope/never' } },
        'strategy_params.judge',
      ],
      [
        {
          name: 'b4',
          strategy: 'vote',
          strategy_params: { ...VOTE.strategy_params, voters: ['simulator/sim-gpt', 'nope/never'] },
        },
        'strategy_params.voters[1]',
      ],
      [
        {
          name: 'b5',
          strategy: 'mix',
          strategy_params: { reasoner: 'simulator/sim-reasoner', judge: 'simulator/sim-gpt' },
        },
        'strategy_params.judge',
      ],
      [
        {
          name: 'b6',
          strategy: 'mix',
          strategy_params: { reasoner: 'simulator/sim-gpt', answerer: 'simulator/sim-gpt' },
        },
        'strategy_params.answerer',
      ],
      [
        { name: 'b7', strategy: 'chain', strategy_params: { draft: 'simulator/sim-gpt' } },
        'strategy_params.critique',
      ],
      [{ ...VOTE, name: 'b8', targets: [{ model: 'simulator/sim-gpt' }] }, 'targets'],
      [
        {
          name: 'b9',
          strategy: 'fallback',
          targets: [{ model: 'simulator/sim-gpt' }],
          strategy_params: { judge: 'x' },
        },
        'strategy_params',
      ],
      [{ name: 'b10', strategy: 'fallback' }, 'targets'],
      [
        { ...VOTE, name: 'b11', strategy_params: { ...VOTE.strategy_params, quorum: 4 } },
        'strategy_params.quorum',
      ],
    ];
    const before = (await request(t.gw.url).get('/api/v1/routes').auth(t.adminToken, { type: 'bearer' })).body
      .total as number;
    for (const [body, param] of cases) {
      const res = await create(body);
      expect({ body, status: res.status, param: res.body.error?.param }).toEqual({
        body,
        status: 400,
        param,
      });
    }
    const after = (await request(t.gw.url).get('/api/v1/routes').auth(t.adminToken, { type: 'bearer' })).body
      .total as number;
    expect(after).toBe(before);
  });

  it("another tenant's member cannot call the tenant's route (404)", async () => {
    const other = await seedTenant(t.gw.url, t.adminToken);
    const { key } = await createApiKey(t.gw.url, other.member.token);
    const err = await t
      .clientWith(key)
      .chat.completions.create({ model: 'panel', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(404);
  });

  it("applies a key's allowed models: a key naming the route may use it, one that admits no step gets 403", async () => {
    const named = await createApiKey(t.gw.url, t.member.token, { allowed_models: ['panel'] });
    const ok = await t.clientWith(named.key).chat.completions.create({
      model: 'panel',
      messages: [{ role: 'user', content: 'Capital of Italy?' }],
    });
    expect(ok.choices[0]!.message.content).toBe('echo: Capital of Italy?');
    const narrow = await createApiKey(t.gw.url, t.member.token, { allowed_models: ['simulator/sim-gpt'] });
    const err = await t
      .clientWith(narrow.key)
      .chat.completions.create({ model: 'panel', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(403);
  });
});
