import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatCredits, parseCredits } from '@switchyard/core';
import { UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, seedTenant, type SeededUser } from './support/session.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers carry fields beyond the SDK's types
type Json = Record<string, any>;

describe('orchestration: model "auto" (simulator, real Postgres)', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({ env: { SIGNUP_CREDITS: '100' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A fresh tenant (so its policy override is its own), its admin, member and an SDK client. */
  async function tenant(): Promise<{ admin: SeededUser; member: SeededUser; client: OpenAI }> {
    const { admin, member } = await seedTenant(t.gw.url, t.adminToken);
    const { key } = await createApiKey(t.gw.url, member.token);
    return { admin, member, client: t.clientWith(key) };
  }

  const putPolicy = (token: string, body: unknown) =>
    request(t.gw.url)
      .put('/api/v1/orchestration/policy')
      .auth(token, { type: 'bearer' })
      .send(body as object);

  async function rows(sql: string, params: unknown[]): Promise<Json[]> {
    await t.gw.app.get(UsageRecorder).flush();
    return t.gw.app.get(DataSource).query(sql, params);
  }

  async function verifyClean(): Promise<void> {
    const res = await request(t.gw.url)
      .get('/api/v1/credits/verify')
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    expect({ ok: res.body.ok, mismatches: res.body.mismatches }).toEqual({ ok: true, mismatches: [] });
  }

  /** The ledger of one request: its one charge equals the sum of its steps' usage records. */
  async function expectLedgerIsSumOfSteps(requestId: string, reportedCost: string): Promise<Json[]> {
    const usage = await rows(
      'SELECT model, cost::text AS cost, status FROM usage_records WHERE request_id = $1 ORDER BY id',
      [requestId],
    );
    const charges = await rows(
      "SELECT amount::text AS amount FROM credit_ledger WHERE request_id = $1 AND kind = 'charge'",
      [requestId],
    );
    const charged = charges.reduce((s, r) => s - BigInt(r.amount), 0n);
    const steps = usage.reduce((s, r) => s + BigInt(r.cost), 0n);
    expect(formatCredits(charged)).toBe(reportedCost);
    expect(steps).toBe(charged);
    await verifyClean();
    return usage;
  }

  it('refuses tools with auto on /v1/chat/completions (400 naming the field), charging nothing', async () => {
    const err = await t.client.chat.completions
      .create({
        model: 'auto',
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((err as InstanceType<typeof OpenAI.APIError>).param).toBe('tools');
  });

  it('lists auto in /v1/models', async () => {
    const models = await t.client.models.list();
    expect(models.data.map((m) => m.id)).toContain('auto');
    expect((await t.client.models.retrieve('auto')).owned_by).toBe('switchyard');
  });

  it('answers a simple chat with the first usable candidate of the default policy and explains it', async () => {
    const requestId = `orch-${randomUUID()}`;
    const res = (await t.client.chat.completions.create(
      { model: 'auto', messages: [{ role: 'user', content: 'Hello!' }] },
      { headers: { 'x-request-id': requestId } },
    )) as OpenAI.ChatCompletion & Json;
    expect(res.choices[0]!.message.content).toBe('echo: Hello!');
    expect(res.model).toBe('simulator/sim-gpt-mini');
    expect(res.moe_metadata).toMatchObject({
      models_used: ['simulator/sim-gpt-mini'],
      strategy: 'single',
      modalities: { text: true, images: 0, audio: 0 },
    });
    expect(typeof res.moe_metadata.total_latency).toBe('number');
    const { switchyard } = res;
    expect(switchyard.classification).toMatchObject({
      intent: 'chat',
      complexity: 'simple',
      source: 'rules',
    });
    expect(switchyard.policy).toBe('default');
    const [step] = switchyard.plan.steps;
    expect(step).toMatchObject({ id: 'answer', role: 'answer', model: 'simulator/sim-gpt-mini' });
    // The real catalog models come first and are passed over offline (no key for their providers).
    expect(step.considered[0]).toMatchObject({ model: 'openai/gpt-4.1-mini', skipped: 'not_found' });
    expect(step.why).toMatch(/candidate 3/);
    // The chat preset (temperature 0.7) applies since the caller set none.
    expect(switchyard.params).toMatchObject({ temperature: 0.7 });
    expect(t.sim.requests.at(-1)!.body).toMatchObject({ model: 'sim-gpt-mini', temperature: 0.7 });
    expect(switchyard.steps).toEqual([
      expect.objectContaining({
        id: 'answer',
        model: 'simulator/sim-gpt-mini',
        status: 'ok',
        cost: (res.usage as Json).cost,
      }),
    ]);
    await expectLedgerIsSumOfSteps(requestId, (res.usage as Json).cost);
    // A caller's own temperature is kept.
    await t.client.chat.completions.create({
      model: 'auto',
      temperature: 0.1,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(t.sim.requests.at(-1)!.body).toMatchObject({ temperature: 0.1 });
  });

  it('mix streams the reasoning as reasoning_content first, then the answer, and the explanation last', async () => {
    const requestId = `orch-${randomUUID()}`;
    const prompt = 'Prove that the square root of 2 is irrational';
    const stream = await t.client.chat.completions.create(
      { model: 'auto', stream: true, messages: [{ role: 'user', content: prompt }] },
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
    expect(kinds.indexOf('content')).toBeGreaterThan(kinds.lastIndexOf('reasoning'));
    expect(kinds.filter((k) => k === 'reasoning').length).toBeGreaterThan(3);
    // The reasoner's own reasoning, then its answer, are the mix's reasoning.
    expect(reasoning).toContain(`thinking: the user asks "${prompt}"`);
    expect(content).toBe(`echo: ${prompt}`);
    expect(last!.moe_metadata).toMatchObject({
      models_used: ['simulator/sim-reasoner', 'simulator/sim-gpt'],
      strategy: 'mix',
    });
    expect(last!.switchyard.classification).toMatchObject({ intent: 'math', complexity: 'complex' });
    expect(last!.switchyard.steps.map((s: Json) => [s.id, s.model])).toEqual([
      ['reason', 'simulator/sim-reasoner'],
      ['answer', 'simulator/sim-gpt'],
    ]);
    // The answering model got the reasoning as context.
    const answerCall = t.sim.requests.at(-1)!.body as Json;
    expect(answerCall.messages[0].content).toContain('thinking: the user asks');
    const usage = await expectLedgerIsSumOfSteps(requestId, last!.usage.cost);
    expect(usage.map((u) => u.model)).toEqual(['simulator/sim-reasoner', 'simulator/sim-gpt']);
  });

  it('mix without reasoning in the answer (include_reasoning: false), and as one JSON answer', async () => {
    const prompt = 'Prove that there are infinitely many primes';
    const stream = await t.client.chat.completions.create({
      model: 'auto',
      stream: true,
      include_reasoning: false,
      messages: [{ role: 'user', content: prompt }],
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    let sawReasoning = false;
    let content = '';
    for await (const chunk of stream as AsyncIterable<Json>) {
      if (chunk.choices[0]?.delta?.reasoning_content) sawReasoning = true;
      content += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(sawReasoning).toBe(false);
    expect(content).toBe(`echo: ${prompt}`);
    const whole = (await t.client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: prompt }],
    })) as Json;
    expect(whole.choices[0].message.content).toBe(`echo: ${prompt}`);
    expect(whole.choices[0].message.reasoning_content).toContain('thinking:');
    expect(whole.moe_metadata.strategy).toBe('mix');
  });

  it('relays a plain model’s own reasoning_content (not orchestrated)', async () => {
    const stream = await t.client.chat.completions.create({
      model: 'simulator/sim-reasoner',
      stream: true,
      messages: [{ role: 'user', content: 'why?' }],
    });
    let reasoning = '';
    for await (const chunk of stream as AsyncIterable<Json>)
      reasoning += chunk.choices[0]?.delta?.reasoning_content ?? '';
    expect(reasoning).toBe('thinking: the user asks "why?"; the answer follows.');
  });

  it('vote survives a failing and a hanging voter, outvotes a wrong one, and lists them', async () => {
    const { admin, client } = await tenant();
    await putPolicy(admin.token, {
      candidates: {
        analysis: {
          complex: [
            'simulator/sim-gpt',
            'simulator/sim-wrong',
            'simulator/sim-gpt-fault-500',
            'simulator/sim-gpt-hang',
            'simulator/sim-gpt-mini',
          ],
        },
      },
      vote: { voters: 5, quorum: 2, budget_ms: 1500 },
    }).expect(200);
    const prompt = 'Analyze the implications of remote work';
    for (const stream of [false, true]) {
      const requestId = `orch-${randomUUID()}`;
      const started = Date.now();
      let answer: Json;
      if (stream) {
        const s = await client.chat.completions.create(
          { model: 'auto', stream: true, messages: [{ role: 'user', content: prompt }] },
          { headers: { 'x-request-id': requestId } },
        );
        let content = '';
        let last: Json = {};
        for await (const chunk of s as AsyncIterable<Json>) {
          content += chunk.choices[0]?.delta?.content ?? '';
          if (chunk.choices.length === 0) last = chunk;
        }
        answer = { content, ...last };
      } else {
        const r = (await client.chat.completions.create(
          { model: 'auto', messages: [{ role: 'user', content: prompt }] },
          { headers: { 'x-request-id': requestId } },
        )) as Json;
        answer = { content: r.choices[0].message.content, ...r };
      }
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(answer.content).toBe(`echo: ${prompt}`);
      expect(answer.switchyard.decision).toBe('majority (2 of 3)');
      expect(answer.switchyard.failures.map((f: Json) => f.model).sort()).toEqual([
        'simulator/sim-gpt-fault-500',
        'simulator/sim-gpt-hang',
      ]);
      expect(
        answer.switchyard.failures.find((f: Json) => f.model === 'simulator/sim-gpt-hang').error,
      ).toMatch(/timeout/);
      expect(answer.moe_metadata.models_used.sort()).toEqual([
        'simulator/sim-gpt',
        'simulator/sim-gpt-mini',
        'simulator/sim-wrong',
      ]);
      const usage = await expectLedgerIsSumOfSteps(requestId, answer.usage.cost);
      expect(usage.filter((u) => u.status === 'ok')).toHaveLength(3);
    }
  });

  it('vote falls to the judge when the short answers disagree', async () => {
    const { admin, client } = await tenant();
    await putPolicy(admin.token, {
      candidates: { analysis: { complex: ['simulator/sim-gpt', 'simulator/sim-wrong'] } },
      vote: { voters: 2, quorum: 2 },
      roles: { judge: ['simulator/sim-gpt-mini'] },
    }).expect(200);
    const res = (await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Evaluate the trade-offs of tabs' }],
    })) as Json;
    expect(res.switchyard.decision).toBe('judge (no majority)');
    expect(res.switchyard.steps.map((s: Json) => s.id)).toEqual(['vote-1', 'vote-2', 'judge']);
    expect(res.model).toBe('simulator/sim-gpt-mini');
    const judgeCall = t.sim.requests.at(-1)!.body as Json;
    expect(judgeCall.messages[0].content).toContain('from="simulator/sim-wrong"');
  });

  it('chain drafts, critiques and refines', async () => {
    const res = (await t.client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Write a comprehensive, detailed fantasy novel outline' }],
    })) as Json;
    expect(res.moe_metadata.strategy).toBe('chain');
    expect(res.switchyard.steps.map((s: Json) => s.id)).toEqual(['draft', 'critique', 'refine']);
    expect((t.sim.requests.at(-1)!.body as Json).messages[0].content).toContain('<critique>');
  });

  it('a failure after some steps charges what ran, no more', async () => {
    const { admin, client, member } = await tenant();
    await putPolicy(admin.token, {
      candidates: { math: { complex: ['simulator/sim-gpt-fault-400'] } },
      roles: { reasoner: ['simulator/sim-reasoner'] },
    }).expect(200);
    const before = parseCredits(
      (await request(t.gw.url).get('/api/v1/credits/balance').auth(member.token, { type: 'bearer' })).body
        .balance,
    );
    const requestId = `orch-${randomUUID()}`;
    const err = await client.chat.completions
      .create(
        { model: 'auto', messages: [{ role: 'user', content: 'Prove Fermat’s little theorem' }] },
        { headers: { 'x-request-id': requestId } },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    const usage = await rows(
      'SELECT model, cost::text AS cost, status FROM usage_records WHERE request_id = $1',
      [requestId],
    );
    expect(usage.map((u) => [u.model, u.status])).toEqual([
      ['simulator/sim-reasoner', 'ok'],
      ['simulator/sim-gpt-fault-400', 'error'],
    ]);
    const reasonerCost = BigInt(usage[0]!.cost);
    expect(reasonerCost).toBeGreaterThan(0n);
    const after = parseCredits(
      (await request(t.gw.url).get('/api/v1/credits/balance').auth(member.token, { type: 'bearer' })).body
        .balance,
    );
    expect(before - after).toBe(reasonerCost);
    await verifyClean();
  });

  it('runs a cheaper plan when the balance cannot cover the planned one, and charges only it', async () => {
    const { client, member } = await tenant();
    const prompt = 'Solve x^2 - 5x + 6 = 0 step by step';
    const balanceOf = async () =>
      parseCredits(
        (await request(t.gw.url).get('/api/v1/credits/balance').auth(member.token, { type: 'bearer' })).body
          .balance,
      );
    const setBalance = async (target: bigint) => {
      await request(t.gw.url)
        .post('/api/v1/credits/grants')
        .auth(t.adminToken, { type: 'bearer' })
        .set('idempotency-key', randomUUID())
        .send({
          user_id: member.id,
          amount: formatCredits(target - (await balanceOf())),
          kind: 'adjustment',
          reason: 'test: set the balance',
        })
        .expect(201);
    };
    const planned = await request(t.gw.url)
      .post('/api/v1/orchestration/explain')
      .auth(member.token, { type: 'bearer' })
      .send({ messages: [{ role: 'user', content: prompt }] })
      .expect(200);
    expect(planned.body.plan.strategy).toBe('mix');
    // Nearly nothing: the 402 names the worst case of the plan as planned.
    await setBalance(1n);
    const refused = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${member.token}`)
      .send({ model: 'auto', messages: [{ role: 'user', content: prompt }] });
    expect(refused.status).toBe(402);
    const estimate = parseCredits(String(refused.body.error.estimate));
    // Just short of it: the planned mix does not fit, a one-model plan does.
    await setBalance(estimate - 1n);
    const seen = t.sim.requests.length;
    const answer = (await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: prompt }],
    })) as unknown as { moe_metadata: { strategy: string }; usage: { cost: string } };
    expect(answer.moe_metadata.strategy).toBe('single');
    expect(t.sim.requests.length).toBe(seen + 1);
    expect(estimate - 1n - (await balanceOf())).toBe(parseCredits(answer.usage.cost));
    await verifyClean();
  });

  it('refuses with 402 before any call when no plan fits, after trying cheaper ones', async () => {
    const { admin, client, member } = await tenant();
    // A tiny balance: spend the signup credits down with a grant-free adjustment.
    await request(t.gw.url)
      .post('/api/v1/credits/grants')
      .auth(t.adminToken, { type: 'bearer' })
      .set('idempotency-key', randomUUID())
      .send({ user_id: member.id, amount: '-99.99999', kind: 'adjustment', reason: 'test: nearly empty' })
      .expect(201);
    await putPolicy(admin.token, { vote: { voters: 3, quorum: 2 } }).expect(200);
    const seen = t.sim.requests.length;
    const err = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'Analyze the implications of AI' }] })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(t.sim.requests.length).toBe(seen);
    await verifyClean();
  });

  describe('explain', () => {
    it('returns the decision without running it', async () => {
      const seen = t.sim.requests.length;
      const res = await request(t.gw.url)
        .post('/api/v1/orchestration/explain')
        .set('authorization', `Bearer ${t.key}`)
        .send({ messages: [{ role: 'user', content: 'Solve x^2 - 5x + 6 = 0 step by step' }] })
        .expect(200);
      expect(t.sim.requests.length).toBe(seen);
      expect(res.body.classification).toMatchObject({
        intent: 'math',
        complexity: 'complex',
        source: 'rules',
      });
      expect(res.body.plan.strategy).toBe('mix');
      expect(res.body.plan.steps.map((s: Json) => [s.role, s.model])).toEqual([
        ['reasoner', 'simulator/sim-reasoner'],
        ['answer', 'simulator/sim-gpt'],
      ]);
      expect(res.body.plan.steps[0].why).toEqual(expect.any(String));
      expect(res.body.params).toEqual({ temperature: 0, top_p: 1 });
    });

    it.each([
      [{}, 'messages'],
      [{ messages: [] }, 'messages'],
      [{ messages: [{ content: 'x' }] }, 'messages[0]'],
      [{ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'x' }] }, 'model'],
      [{ messages: [{ role: 'user', content: 'x' }], max_tokens: -1 }, 'max_tokens'],
      [{ messages: [{ role: 'user', content: 'x' }], n: 2 }, 'n'],
      [
        {
          messages: [{ role: 'user', content: 'x' }],
          tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        },
        'tools',
      ],
      [{ messages: [{ role: 'user', content: 'x' }], include_reasoning: 'yes' }, 'include_reasoning'],
    ])('400 for %j naming %s', async (body, param) => {
      const res = await request(t.gw.url)
        .post('/api/v1/orchestration/explain')
        .set('authorization', `Bearer ${t.key}`)
        .send(body)
        .expect(400);
      expect(res.body.error.param).toBe(param);
    });

    it('uses the LLM classifier when configured, and falls back to the rules on a hang or bad output', async () => {
      const { admin, member } = await tenant();
      const explain = async () =>
        (
          await request(t.gw.url)
            .post('/api/v1/orchestration/explain')
            .auth(member.token, { type: 'bearer' })
            .send({ messages: [{ role: 'user', content: 'Tell me about Python code style' }] })
            .expect(200)
        ).body;
      await putPolicy(admin.token, { classifier: { model: 'simulator/sim-gpt' } }).expect(200);
      const byModel = await explain();
      // The simulator's classification (not the rules'): sim-gpt answered the strict JSON schema.
      expect(byModel.classification).toMatchObject({ intent: 'code', complexity: 'simple', source: 'llm' });
      const call = t.sim.requests.at(-1)!.body as Json;
      expect(call.response_format.json_schema.name).toBe('switchyard_classification');
      expect(call.response_format.json_schema.strict).toBe(true);
      // Its call was charged as a step of the request.
      const usage = await rows(
        "SELECT cost FROM usage_records WHERE user_id = $1 AND endpoint = 'orchestration.explain'",
        [member.id],
      );
      expect(usage).toHaveLength(1);

      await putPolicy(admin.token, {
        classifier: { model: 'simulator/sim-gpt-hang', timeout_ms: 300 },
      }).expect(200);
      const started = Date.now();
      const hung = await explain();
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(hung.classification.source).toBe('rules');
      expect(hung.classification.signals[0]).toBe('llm:timeout');

      await putPolicy(admin.token, { classifier: { model: 'simulator/sim-wrong' } }).expect(200);
      const wrong = await explain();
      expect(wrong.classification.source).toBe('rules');
      expect(wrong.classification.signals[0]).toBe('llm:bad_output');
      await verifyClean();
    });

    it('an auto chat with the LLM classifier charges its call as a step', async () => {
      const { admin, client } = await tenant();
      await putPolicy(admin.token, { classifier: { model: 'simulator/sim-gpt-mini' } }).expect(200);
      const res = (await client.chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: 'hello there' }],
      })) as Json;
      expect(res.switchyard.classification.source).toBe('llm');
      expect(res.switchyard.steps.map((s: Json) => s.id)).toEqual(['classify', 'answer']);
      const total = res.switchyard.steps.reduce((s: bigint, x: Json) => s + parseCredits(x.cost), 0n);
      expect(formatCredits(total)).toBe(res.usage.cost);
      await verifyClean();
    });
  });

  describe('policy API', () => {
    it('shows the default, takes a tenant override and keeps it to that tenant', async () => {
      const a = await tenant();
      const b = await tenant();
      const view = await request(t.gw.url)
        .get('/api/v1/orchestration/policy')
        .auth(a.admin.token, { type: 'bearer' })
        .expect(200);
      expect(view.body).toMatchObject({ scope: 'tenant', policy: null, source: 'default' });
      expect(view.body.effective.candidates.chat.simple.at(-1)).toBe('simulator/sim-gpt-mini');

      const put = await putPolicy(a.admin.token, {
        candidates: { chat: { simple: ['simulator/sim-text'] } },
      }).expect(200);
      expect(put.body.source).toBe('tenant');
      expect(put.body.effective.candidates.chat.simple).toEqual(['simulator/sim-text']);
      // Other tiers keep the platform's lists.
      expect(put.body.effective.candidates.chat.moderate.at(-1)).toBe('simulator/sim-gpt');
      const answer = (await a.client.chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: 'Hello!' }],
      })) as Json;
      expect(answer.model).toBe('simulator/sim-text');
      expect(answer.switchyard.policy).toBe('tenant');
      // Tenant B is untouched.
      const other = (await b.client.chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: 'Hello!' }],
      })) as Json;
      expect(other.model).toBe('simulator/sim-gpt-mini');
      const bView = await request(t.gw.url)
        .get('/api/v1/orchestration/policy')
        .auth(b.admin.token, { type: 'bearer' })
        .expect(200);
      expect(bView.body.policy).toBeNull();
      // A member reads but does not write; DELETE resets.
      await putPolicy(a.member.token, { vote: { voters: 2 } }).expect(403);
      await request(t.gw.url)
        .delete('/api/v1/orchestration/policy')
        .auth(a.admin.token, { type: 'bearer' })
        .expect(200);
      const reset = await request(t.gw.url)
        .get('/api/v1/orchestration/policy')
        .auth(a.member.token, { type: 'bearer' })
        .expect(200);
      expect(reset.body.policy).toBeNull();
    });

    it.each([
      [{ candidates: { chat: { simple: [''] } } }, 'candidates.chat.simple[0]'],
      [{ candidates: { cooking: { simple: ['simulator/sim-gpt'] } } }, 'candidates.cooking'],
      [{ candidates: { chat: { extreme: ['simulator/sim-gpt'] } } }, 'candidates.chat.extreme'],
      [{ candidates: { chat: { simple: ['auto'] } } }, 'candidates.chat.simple[0]'],
      [{ strategies: [{ strategy: 'magic' }] }, 'strategies[0].strategy'],
      [{ strategies: [{ intents: ['chat', 'poetry'], strategy: 'mix' }] }, 'strategies[0].intents[1]'],
      [{ presets: { code: { temperature: 3 } } }, 'presets.code.temperature'],
      [{ vote: { voters: 2, quorum: 3 } }, 'vote.quorum'],
      [{ vote: { budget_ms: 'soon' } }, 'vote.budget_ms'],
      [{ selection: { max_error_rate: 2 } }, 'selection.max_error_rate'],
      [{ classifier: { timeout_ms: 5 } }, 'classifier.timeout_ms'],
      [{ surprise: true }, 'surprise'],
      [[1, 2], 'body'],
    ])('400 for %j naming %s, nothing written', async (body, param) => {
      const { admin } = await tenant();
      const res = await putPolicy(admin.token, body).expect(400);
      expect(res.body.error).toMatchObject({ param, code: 'invalid_policy' });
      const view = await request(t.gw.url)
        .get('/api/v1/orchestration/policy')
        .auth(admin.token, { type: 'bearer' })
        .expect(200);
      expect(view.body.policy).toBeNull();
    });

    it('a platform admin replaces the platform policy with a whole one (a part is a 400)', async () => {
      await putPolicy(t.adminToken, { vote: { voters: 2 } }).expect(400);
      const current = await request(t.gw.url)
        .get('/api/v1/orchestration/policy')
        .auth(t.adminToken, { type: 'bearer' })
        .expect(200);
      expect(current.body).toMatchObject({ scope: 'platform', source: 'default' });
      const policy = { ...current.body.policy, vote: { ...current.body.policy.vote, voters: 4 } };
      const put = await putPolicy(t.adminToken, policy).expect(200);
      expect(put.body).toMatchObject({ source: 'platform', policy: { vote: { voters: 4 } } });
      const tenantView = await request(t.gw.url)
        .get('/api/v1/orchestration/policy')
        .auth(t.tenantAdmin.token, { type: 'bearer' })
        .expect(200);
      expect(tenantView.body.effective.vote.voters).toBe(4);
      await request(t.gw.url)
        .delete('/api/v1/orchestration/policy')
        .auth(t.adminToken, { type: 'bearer' })
        .expect(200);
    });

    it('documents the endpoints and moe_metadata in Swagger', async () => {
      const doc = (await request(t.gw.url).get('/docs-json').expect(200)).body;
      expect(doc.paths['/api/v1/orchestration/policy']).toBeDefined();
      expect(doc.paths['/api/v1/orchestration/explain']).toBeDefined();
      expect(doc.components.schemas.MoeMetadataDto).toBeDefined();
    });
  });
});
