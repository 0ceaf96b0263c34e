import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseCredits } from '@switchyard/core';
import { UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

type Usage = OpenAI.Responses.ResponseUsage & { cost?: string };

/** The simulator's requests since `from`, by endpoint. */
function calls(t: LlmGateway, from: number) {
  const recent = t.sim.requests.slice(from);
  return {
    responses: recent.filter((r) => r.path === '/v1/responses'),
    chat: recent.filter((r) => r.path === '/v1/chat/completions'),
  };
}

describe('/v1/responses natively on providers that speak the Responses API (simulator/sim-gpt)', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({ env: { OUTBOUND_ALLOWLIST: '127.0.0.1' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("calls the provider's Responses endpoint with the caller's body (store false upstream), plain and streamed", async () => {
    const from = t.sim.requests.length;
    const { data, response } = await t.client.responses
      .create({
        model: 'simulator/sim-gpt',
        instructions: 'Be brief.',
        input: 'Hello there',
        metadata: { a: 'b' },
      })
      .withResponse();
    expect(data.output_text).toBe('echo: Hello there');
    expect(data.id).toMatch(/^resp_/);
    expect(data.id).not.toMatch(/^resp_sim_/);
    expect(data.model).toBe('simulator/sim-gpt');
    expect((data as { store?: boolean }).store).toBe(true);
    expect(data.metadata).toEqual({ a: 'b' });
    expect(response.headers.get('x-switchyard-provider')).toBe('simulator');
    expect(response.headers.get('x-switchyard-cost')).toBe((data.usage as Usage).cost);
    const stream = t.client.responses.stream({ model: 'simulator/sim-gpt', input: 'one two three' });
    let text = '';
    stream.on('response.output_text.delta', (e) => (text += e.delta));
    const final = await stream.finalResponse();
    expect(text).toBe('echo: one two three');
    expect(final.id).toMatch(/^resp_/);
    expect((final.usage as Usage).cost).toMatch(/^\d+(\.\d+)?$/);
    const sent = calls(t, from);
    expect(sent.chat).toHaveLength(0);
    expect(sent.responses).toHaveLength(2);
    expect(sent.responses[0]!.body).toMatchObject({
      model: 'sim-gpt',
      store: false,
      instructions: 'Be brief.',
    });
    expect(sent.responses[1]!.body).toMatchObject({ stream: true, store: false });
    // Stored by the gateway: retrieve and input_items work as on the chat port.
    expect((await t.client.responses.retrieve(data.id)).output_text).toBe('echo: Hello there');
    const items = await t.client.responses.inputItems.list(final.id);
    expect(items.data).toHaveLength(1);
  });

  it('passes a built-in web_search tool through: its output item and url_citation come back intact', async () => {
    const from = t.sim.requests.length;
    const plain = await t.client.responses.create({
      model: 'simulator/sim-gpt',
      tools: [{ type: 'web_search' }],
      input: 'latest news',
    });
    expect(plain.output.map((o) => o.type)).toEqual(['web_search_call', 'message']);
    const message = plain.output[1] as OpenAI.Responses.ResponseOutputMessage;
    const part = message.content[0] as OpenAI.Responses.ResponseOutputText;
    expect(part.annotations[0]).toMatchObject({
      type: 'url_citation',
      url: expect.stringMatching(/^https:/),
    });
    const stream = t.client.responses.stream({
      model: 'simulator/sim-gpt',
      tools: [{ type: 'web_search' }],
      input: 'latest news',
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();
    expect(types).toContain('response.web_search_call.completed');
    expect(types).toContain('response.output_text.annotation.added');
    expect(final.output[0]!.type).toBe('web_search_call');
    expect(calls(t, from).responses[0]!.body).toMatchObject({ tools: [{ type: 'web_search' }] });
    expect(calls(t, from).chat).toHaveLength(0);
  });

  it('the same built-in tool to a model reached through the chat port is a 400 naming it', async () => {
    const err = (await t.client.responses
      .create({ model: 'simulator-anthropic/sim-claude', tools: [{ type: 'web_search' }], input: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(400);
    expect(err.param).toBe('tools[0].type');
    expect(err.message).toContain('web_search');
  });

  it('continues a conversation by previous_response_id across native and chat-port providers', async () => {
    const one = await t.client.responses.create({ model: 'simulator/sim-gpt', input: 'alpha' });
    const two = await t.client.responses.create({
      model: 'simulator-anthropic/sim-claude',
      input: 'beta',
      previous_response_id: one.id,
    });
    expect(two.output_text).toBe('echo: beta');
    const from = t.sim.requests.length;
    const three = await t.client.responses
      .stream({
        model: 'simulator/sim-gpt',
        input: 'gamma',
        previous_response_id: two.id,
      })
      .finalResponse();
    expect(three.output_text).toBe('echo: gamma');
    expect(three.previous_response_id).toBe(two.id);
    const sent = calls(t, from).responses[0]!.body as { input: unknown; previous_response_id?: string };
    expect(sent.previous_response_id).toBeUndefined();
    for (const word of ['alpha', 'echo: alpha', 'beta', 'echo: beta', 'gamma'])
      expect(JSON.stringify(sent.input)).toContain(word);
    const four = await t.client.responses.create({
      model: 'simulator-gemini/sim-gemini',
      input: 'delta',
      previous_response_id: three.id,
    });
    expect(four.output_text).toBe('echo: delta');
    expect(four.usage!.input_tokens).toBeGreaterThan(two.usage!.input_tokens);
  });

  it('fails over from a failing target to a chat-port one (a mixed list takes the chat port throughout)', async () => {
    const from = t.sim.requests.length;
    const { data, response } = await t.client.responses
      .create({
        models: ['simulator/sim-gpt-fault-503', 'simulator-anthropic/sim-claude'],
        input: 'fail over',
      } as never)
      .withResponse();
    expect(data.output_text).toBe('echo: fail over');
    expect(response.headers.get('x-switchyard-model')).toBe('simulator-anthropic/sim-claude');
    const sent = calls(t, from);
    expect(sent.responses).toHaveLength(0);
    expect(sent.chat.length).toBeGreaterThan(0);
    expect(sent.chat.every((r) => r.model === 'sim-gpt-fault-503')).toBe(true);
    expect(t.sim.requests.slice(from).some((r) => r.path === '/v1/messages')).toBe(true);
    // A native stored response continues on the chat port and back.
    const next = await t.client.responses.create({
      model: 'simulator/sim-gpt',
      input: 'and natively',
      previous_response_id: data.id,
    });
    expect(next.output_text).toBe('echo: and natively');
  });

  it('fails over from a failing native target to a native one; a native stream cut mid-way raises', async () => {
    const from = t.sim.requests.length;
    const data = await t.client.responses.create({
      models: ['simulator/sim-gpt-fault-503', 'simulator/sim-gpt'],
      input: 'native both',
    } as never);
    expect(data.output_text).toBe('echo: native both');
    expect(calls(t, from).responses.map((r) => r.model)).toContain('sim-gpt-fault-503');
    expect(calls(t, from).chat).toHaveLength(0);
    const stream = t.client.responses.stream(
      { model: 'simulator/sim-gpt', input: 'one two three four five six' },
      { headers: { 'x-sim-fault': 'drop_after=4' } },
    );
    const err = await stream.finalResponse().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
  });

  it('charges exactly: usage record cost = ledger debit = x-switchyard-cost, balance == sum(ledger)', async () => {
    const { data, response } = await t.client.responses
      .create({ model: 'simulator/sim-gpt', tools: [{ type: 'web_search' }], input: 'pay natively' })
      .withResponse();
    const streamed = await t.client.responses
      .stream({ model: 'simulator/sim-gpt', input: 'pay natively too' })
      .finalResponse();
    const cost = (data.usage as Usage).cost!;
    expect(response.headers.get('x-switchyard-cost')).toBe(cost);
    expect(parseCredits(cost)).toBeGreaterThan(0n);
    await t.gw.app.get(UsageRecorder).flush();
    const db = t.gw.app.get(DataSource);
    for (const [requestId, charged, usage] of [
      [response.headers.get('x-request-id')!, cost, data.usage!],
      [undefined, (streamed.usage as Usage).cost!, streamed.usage!],
    ] as const) {
      const rows: Array<{ request_id: string; cost: string; input_tokens: number; output_tokens: number }> =
        await db.query(
          `SELECT request_id, cost::text AS cost, input_tokens, output_tokens FROM usage_records WHERE user_id = $1 AND ($2::text IS NULL OR request_id = $2) ORDER BY created_at DESC LIMIT 1`,
          [t.member.id, requestId ?? null],
        );
      const row = rows[0]!;
      expect(BigInt(row.cost)).toBe(parseCredits(charged));
      expect(Number(row.input_tokens)).toBe(usage.input_tokens);
      expect(Number(row.output_tokens)).toBe(usage.output_tokens);
      const entries = await request(t.gw.url)
        .get('/api/v1/credits/ledger')
        .query({ request_id: row.request_id })
        .auth(t.member.token, { type: 'bearer' })
        .expect(200);
      const net = (entries.body.data as Array<{ amount: string }>).reduce(
        (sum, e) => sum + parseCredits(e.amount),
        0n,
      );
      expect(-net).toBe(parseCredits(charged));
    }
    const balance = await request(t.gw.url)
      .get('/api/v1/credits/balance')
      .auth(t.member.token, { type: 'bearer' });
    const sums: Array<{ total: string }> = await db.query(
      `SELECT COALESCE(SUM(l.amount), 0)::text AS total FROM credit_ledger l JOIN credit_accounts a ON a.id = l.account_id WHERE a.user_id = $1`,
      [t.member.id],
    );
    expect(BigInt(sums[0]!.total)).toBe(parseCredits(balance.body.balance));
  });

  it('a runtime provider registered with responses_api is called natively; without it, through chat', async () => {
    const model = {
      id: 'sim-gpt',
      capabilities: ['chat', 'streaming'],
      pricing: { inputPerMTok: '1', outputPerMTok: '2' },
    };
    const register = (id: string, extra: Record<string, unknown>) =>
      request(t.gw.url)
        .post('/api/v1/providers')
        .auth(t.adminToken, { type: 'bearer' })
        .send({
          id,
          format: 'openai',
          base_url: `${t.sim.url}/v1`,
          key_required: false,
          models: [model],
          ...extra,
        });
    const native = `rt-native-${Date.now().toString(36)}`;
    const plain = `rt-plain-${Date.now().toString(36)}`;
    const created = await register(native, { responses_api: true });
    expect(created.status).toBe(201);
    expect(created.body.responses_api).toBe(true);
    expect((await register(plain, {})).body.responses_api).toBe(false);
    // Only the openai format speaks the Responses API.
    const wrong = await register(`rt-wrong-${Date.now().toString(36)}`, {
      format: 'anthropic',
      responses_api: true,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.param).toBe('responses_api');

    let from = t.sim.requests.length;
    const viaNative = await t.client.responses.create({ model: `${native}/sim-gpt`, input: 'hello native' });
    expect(viaNative.output_text).toBe('echo: hello native');
    expect(calls(t, from)).toMatchObject({ responses: [{}], chat: [] });
    from = t.sim.requests.length;
    const viaChat = await t.client.responses.create({ model: `${plain}/sim-gpt`, input: 'hello chat' });
    expect(viaChat.output_text).toBe('echo: hello chat');
    expect(calls(t, from)).toMatchObject({ responses: [], chat: [{}] });
    // Switching the flag off sends the next call through chat.
    await request(t.gw.url)
      .patch(`/api/v1/providers/${native}`)
      .auth(t.adminToken, { type: 'bearer' })
      .send({ responses_api: false })
      .expect(200);
    from = t.sim.requests.length;
    await t.client.responses.create({ model: `${native}/sim-gpt`, input: 'after' });
    expect(calls(t, from).chat).toHaveLength(1);
  });

  it('a built-in tool sent to auto or to an orchestrated route (several calls, never native) is a 400, not dropped', async () => {
    const name = `rt-panel-${Date.now().toString(36)}`;
    await request(t.gw.url)
      .post('/api/v1/routes')
      .auth(t.tenantAdmin.token, { type: 'bearer' })
      .send({
        name,
        strategy: 'vote',
        strategy_params: {
          voters: ['simulator/sim-gpt', 'simulator/sim-gpt-mini'],
          judge: 'simulator/sim-gpt',
        },
      })
      .expect(201);
    for (const model of ['auto', name]) {
      const res = await request(t.gw.url)
        .post('/v1/responses')
        .set('authorization', `Bearer ${t.key}`)
        .send({ model, input: 'latest news?', tools: [{ type: 'web_search' }] });
      expect(res.status).toBe(400);
      expect(res.body.error.param).toBe('tools[0].type');
    }
  });
});
