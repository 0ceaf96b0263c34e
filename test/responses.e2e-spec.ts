import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseCredits } from '@switchyard/core';
import { UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiKey, seedTenant, seedUser } from './support/session.js';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

const MODELS = [
  'simulator/sim-gpt',
  'simulator-gemini/sim-gemini',
  'simulator-anthropic/sim-claude',
] as const;
const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const weather: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

type Usage = OpenAI.Responses.ResponseUsage & { cost?: string };

describe('/v1/responses through the official openai SDK', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe.each(MODELS)('%s', (model) => {
    it('answers text with instructions, usage in the Responses shape, the answer headers, and stores it', async () => {
      const { data, response } = await t.client.responses
        .create({ model, instructions: 'Be brief.', input: 'Hello there' })
        .withResponse();
      expect(data.object).toBe('response');
      expect(data.id).toMatch(/^resp_/);
      expect(data.status).toBe('completed');
      expect(data.model).toBe(model);
      expect(data.instructions).toBe('Be brief.');
      expect(data.output_text).toBe('echo: Hello there');
      expect(data.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
      const usage = data.usage as Usage;
      expect(usage.input_tokens).toBeGreaterThan(0);
      expect(usage.output_tokens).toBeGreaterThan(0);
      expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
      expect(usage.input_tokens_details.cached_tokens).toBe(0);
      expect(usage.output_tokens_details.reasoning_tokens).toBe(0);
      expect(usage.cost).toMatch(/^\d+(\.\d+)?$/);
      expect(response.headers.get('x-switchyard-provider')).toBe(model.split('/')[0]);
      expect(response.headers.get('x-switchyard-model')).toBe(model);
      expect(response.headers.get('x-switchyard-cost')).toBe(usage.cost);
      const again = await t.client.responses.retrieve(data.id);
      expect(again.id).toBe(data.id);
      expect(again.output_text).toBe('echo: Hello there');
      expect((again.usage as Usage).cost).toBe(usage.cost);
    });

    it('streams the typed events in order with sequence numbers, and stores the result', async () => {
      const stream = t.client.responses.stream({ model, input: 'one two three four' });
      const events: OpenAI.Responses.ResponseStreamEvent[] = [];
      let text = '';
      stream.on('response.output_text.delta', (e) => (text += e.delta));
      for await (const event of stream) events.push(event);
      const final = await stream.finalResponse();
      expect(text).toBe('echo: one two three four');
      expect(final.output_text).toBe('echo: one two three four');
      expect(final.status).toBe('completed');
      const types = events.map((e) => e.type);
      expect(types.slice(0, 4)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
      ]);
      expect(types.slice(-4)).toEqual([
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      expect(types.filter((x) => x === 'response.output_text.delta').length).toBeGreaterThanOrEqual(5);
      const usage = final.usage as Usage;
      expect(usage.output_tokens).toBeGreaterThan(0);
      expect(usage.cost).toBeDefined();
      const stored = await t.client.responses.retrieve(final.id);
      expect(stored.output_text).toBe('echo: one two three four');
    });

    it('takes multi-turn items and images', async () => {
      const multi = await t.client.responses.create({
        model,
        input: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'echo: first' },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'second' }] },
        ],
      });
      expect(multi.output_text).toBe('echo: second');
      const image = await t.client.responses.create({
        model,
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'What is this?' },
              { type: 'input_image', image_url: PIXEL, detail: 'auto' },
            ],
          },
        ],
      });
      expect(image.output_text).toContain('[image]');
    });

    it('calls a function and takes its output, plain and streamed', async () => {
      const first = await t.client.responses.create({ model, tools: [weather], input: 'Weather in Oslo?' });
      const call = first.output.find((o) => o.type === 'function_call');
      expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
      if (call?.type !== 'function_call') throw new Error('no function call');
      expect(JSON.parse(call.arguments)).toEqual({ city: 'sim' });
      const second = await t.client.responses.create({
        model,
        tools: [weather],
        input: [
          { role: 'user', content: 'Weather in Oslo?' },
          call,
          { type: 'function_call_output', call_id: call.call_id, output: '{"celsius":4}' },
        ],
      });
      expect(second.output_text).toContain('tool result:');
      expect(second.output_text).toContain('4');
      const stream = t.client.responses.stream({ model, tools: [weather], input: 'Weather in Oslo?' });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      const final = await stream.finalResponse();
      expect(types).toContain('response.function_call_arguments.delta');
      expect(types).toContain('response.function_call_arguments.done');
      const streamed = final.output.find((o) => o.type === 'function_call');
      if (streamed?.type !== 'function_call') throw new Error('no streamed function call');
      expect(JSON.parse(streamed.arguments)).toEqual({ city: 'sim' });
      expect(streamed.call_id).toBeTruthy();
    });

    it('continues by previous_response_id for three turns with no delay, plain and streamed', async () => {
      const one = await t.client.responses.create({ model, input: 'alpha', instructions: 'Be brief.' });
      const two = await t.client.responses.create({ model, input: 'beta', previous_response_id: one.id });
      expect(two.output_text).toBe('echo: beta');
      expect(two.previous_response_id).toBe(one.id);
      const stream = t.client.responses.stream({ model, input: 'gamma', previous_response_id: two.id });
      const three = await stream.finalResponse();
      expect(three.output_text).toBe('echo: gamma');
      const four = await t.client.responses.create({ model, input: 'delta', previous_response_id: three.id });
      expect(four.output_text).toBe('echo: delta');
      // Each turn replays the conversation: the prompt grows.
      expect(four.usage!.input_tokens).toBeGreaterThan(three.usage!.input_tokens);
      expect(three.usage!.input_tokens).toBeGreaterThan(two.usage!.input_tokens);
      const requests = t.sim.requests.filter((r) => JSON.stringify(r.body).includes('delta'));
      const last = JSON.stringify(requests[requests.length - 1]!.body);
      for (const word of ['alpha', 'echo: alpha', 'beta', 'echo: beta', 'gamma', 'echo: gamma'])
        expect(last).toContain(word);
      // Instructions are not carried over (as OpenAI does).
      expect(last).not.toContain('Be brief.');
    });

    it('a stream that breaks mid-way ends with an error the SDK raises', async () => {
      const stream = t.client.responses.stream(
        { model, input: 'one two three four five six' },
        { headers: { 'x-sim-fault': 'drop_after=3' } },
      );
      let text = '';
      stream.on('response.output_text.delta', (e) => (text += e.delta));
      const err = await stream.finalResponse().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(text).not.toBe('echo: one two three four five six');
    });

    it('an upstream 5xx comes back as the OpenAI envelope', async () => {
      for (const fault of ['status=500']) {
        const err = await apiError(
          t.client.responses.create({ model, input: 'x' }, { headers: { 'x-sim-fault': fault } }),
        );
        expect([429, 502, 503]).toContain(err.status);
        expect(typeof (err.error as { message?: string }).message).toBe('string');
      }
    });
  });

  it('json_schema and json_object output, and parallel tool calls in the input', async () => {
    const schema = { type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'] };
    const json = await t.client.responses.create({
      model: 'sim-gpt',
      input: 'structured please',
      text: { format: { type: 'json_schema', name: 'reply', schema, strict: true } },
    });
    expect(JSON.parse(json.output_text)).toEqual({ echo: 'structured please' });
    expect(json.text?.format).toMatchObject({ type: 'json_schema', name: 'reply' });
    const object = await t.client.responses.create({
      model: 'sim-claude',
      input: 'an object',
      text: { format: { type: 'json_object' } },
    });
    expect(typeof JSON.parse(object.output_text)).toBe('object');
    const parallel = await t.client.responses.create({
      model: 'sim-gemini',
      tools: [weather],
      parallel_tool_calls: true,
      input: [
        { role: 'user', content: 'Weather in Oslo and Rome?' },
        { type: 'function_call', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call', call_id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'call_a', output: '{"celsius":4}' },
        { type: 'function_call_output', call_id: 'call_b', output: '{"celsius":19}' },
      ],
    });
    expect(parallel.output_text).toContain('tool result:');
  });

  it('stops at max_output_tokens: incomplete, plain and streamed', async () => {
    const short = await t.client.responses.create({
      model: 'sim-gemini',
      max_output_tokens: 2,
      input: 'a b c d e f g',
    });
    expect(short.status).toBe('incomplete');
    expect(short.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    const stream = t.client.responses.stream({
      model: 'sim-claude',
      max_output_tokens: 2,
      input: 'a b c d e f g',
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[types.length - 1]).toBe('response.incomplete');
    const final = await stream.finalResponse();
    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details?.reason).toBe('max_output_tokens');
  });

  it('presents reasoning (sim-reasoner) as a reasoning item, with reasoning tokens, plain and streamed', async () => {
    const plain = await t.client.responses.create({
      model: 'sim-reasoner',
      reasoning: { effort: 'high' },
      input: 'think about this',
    });
    expect(plain.output[0]!.type).toBe('reasoning');
    const reasoning = plain.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.content?.[0]?.text.length).toBeGreaterThan(0);
    expect(plain.output_text).toBe('echo: think about this');
    expect(plain.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    // sim-reasoner is on the simulator's OpenAI provider, which speaks Responses: sent natively.
    const sent = t.sim.requests[t.sim.requests.length - 1]!.body as { reasoning?: { effort?: string } };
    expect(sent.reasoning?.effort).toBe('high');
    const stream = t.client.responses.stream({ model: 'sim-reasoner', input: 'think about this' });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();
    expect(types).toContain('response.reasoning_text.delta');
    expect(types.indexOf('response.reasoning_text.done')).toBeLessThan(
      types.indexOf('response.output_text.delta'),
    );
    expect(final.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
    // The reasoning is replayed on the next turn.
    const next = await t.client.responses.create({
      model: 'sim-reasoner',
      input: 'again',
      previous_response_id: final.id,
    });
    expect(next.output_text).toBe('echo: again');
  });

  it('reports cached tokens (an Anthropic cache breakpoint on an input_text part)', async () => {
    const long = 'cache me '.repeat(400);
    const ask = () =>
      t.client.responses.create({
        model: 'sim-claude',
        input: [
          {
            role: 'user',
            content: [
              {
                type: 'input_text',
                text: long,
                cache_control: { type: 'ephemeral' },
              } as OpenAI.Responses.ResponseInputText,
              { type: 'input_text', text: 'question' },
            ],
          },
        ],
      });
    await ask();
    const second = await ask();
    expect(second.usage!.input_tokens_details.cached_tokens).toBeGreaterThan(0);
  });

  describe('errors', () => {
    it('400 naming the parameter for every bad or untranslatable input, and nothing charged', async () => {
      const before = await request(t.gw.url)
        .get('/api/v1/credits/balance')
        .auth(t.member.token, { type: 'bearer' });
      const cases: Array<[Record<string, unknown>, string]> = [
        // Built-in tools and their items need a model that speaks Responses natively (sim-gpt does).
        [{ model: 'sim-claude', input: 'x', tools: [{ type: 'web_search' }] }, 'tools[0].type'],
        [
          { model: 'sim-claude', input: 'x', tools: [{ type: 'file_search', vector_store_ids: ['vs'] }] },
          'tools[0].type',
        ],
        [{ model: 'sim-gpt', input: 'x', background: true }, 'background'],
        [{ model: 'sim-gpt', input: [{ role: 'robot', content: 'x' }] }, 'input[0].role'],
        [{ model: 'sim-claude', input: [{ type: 'web_search_call', id: 'ws' }] }, 'input[0].type'],
        [{ model: 'sim-gpt', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type'],
        [
          {
            model: 'sim-gpt',
            input: [{ role: 'user', content: [{ type: 'input_file', file_url: 'https://x/y.pdf' }] }],
          },
          'input[0].content[0].file_url',
        ],
        [{ model: 'sim-gpt', input: 'x', temperature: 7 }, 'temperature'],
        [
          { model: 'sim-gpt', input: 'x', text: { format: { type: 'json_schema', name: 'r' } } },
          'text.format.schema',
        ],
        [{ model: 'sim-claude', input: 'x', include: ['file_search_call.results'] }, 'include[0]'],
        [{ model: 'sim-gemini', input: 'x', truncation: 'auto' }, 'truncation'],
        [{ model: 'sim-gpt', input: 'x', frobnicate: 1 }, 'frobnicate'],
        [{ model: 'sim-gpt' }, 'input'],
        [{ model: 'sim-gpt', input: 'x', previous_response_id: 'resp_nope' }, 'previous_response_id'],
      ];
      for (const [body, param] of cases) {
        const err = await apiError(t.client.responses.create(body as never));
        expect([400, 404]).toContain(err.status);
        expect(err.param).toBe(param);
        expect(err.error).toMatchObject({ type: 'invalid_request_error' });
      }
      const after = await request(t.gw.url)
        .get('/api/v1/credits/balance')
        .auth(t.member.token, { type: 'bearer' });
      expect(after.body.balance).toBe(before.body.balance);
    });

    it('400 for a bad number saying what the parameter takes, not its null branch, and nothing charged', async () => {
      const balance = async () =>
        (await request(t.gw.url).get('/api/v1/credits/balance').auth(t.member.token, { type: 'bearer' })).body
          .balance as string;
      const before = await balance();
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [
          { max_output_tokens: -3 },
          'max_output_tokens',
          "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 1, but got -3 instead.",
        ],
        [
          { max_output_tokens: 'many' },
          'max_output_tokens',
          "Invalid type for 'max_output_tokens': expected integer or null, but got string.",
        ],
        [
          { temperature: 'hot' },
          'temperature',
          "Invalid type for 'temperature': expected number or null, but got string.",
        ],
        [
          { reasoning: { effort: 'extreme' } },
          'reasoning.effort',
          "Invalid value for 'reasoning.effort': expected one of 'none', 'minimal', 'low', 'medium', 'high', 'xhigh'.",
        ],
      ];
      for (const [extra, param, message] of cases) {
        const err = await apiError(
          t.client.responses.create({ model: 'sim-gpt', input: 'x', ...extra } as never),
        );
        expect({ status: err.status, error: err.error }).toEqual({
          status: 400,
          error: { type: 'invalid_request_error', code: 'invalid_value', param, message },
        });
      }
      expect(await balance()).toBe(before);
    });

    it('401 for a bad key, 404 for an unknown model, 402 without credit', async () => {
      const bad = await apiError(
        t.clientWith('sk-sy-nope').responses.create({ model: 'sim-gpt', input: 'x' }),
      );
      expect(bad).toBeInstanceOf(OpenAI.AuthenticationError);
      const unknown = await apiError(t.client.responses.create({ model: 'gpt-99', input: 'x' }));
      expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
      expect(unknown.code).toBe('model_not_found');
      const { member } = await seedTenant(t.gw.url, t.adminToken);
      const { key } = await createApiKey(t.gw.url, member.token);
      const ledger = await request(t.gw.url)
        .get('/api/v1/credits/ledger')
        .auth(member.token, { type: 'bearer' });
      // Spend the sign-up credits, if any, with a transfer-free approach: a user with a zero balance.
      const balance = parseCredits(
        (await request(t.gw.url).get('/api/v1/credits/balance').auth(member.token, { type: 'bearer' })).body
          .balance,
      );
      if (balance === 0n) {
        const broke = await apiError(t.clientWith(key).responses.create({ model: 'sim-gpt', input: 'x' }));
        expect(broke.status).toBe(402);
        expect((broke.error as { type?: string }).type).toBe('insufficient_credits');
      }
      expect(ledger.status).toBe(200);
    });
  });

  describe('stored responses', () => {
    it('retrieve, input_items paged like OpenAI, delete, cancel', async () => {
      const created = await t.client.responses.create({
        model: 'sim-gpt',
        metadata: { topic: 'paging' },
        input: [
          { role: 'user', content: 'one' },
          { role: 'assistant', content: 'echo: one' },
          { role: 'user', content: 'two' },
        ],
      });
      expect(created.metadata).toEqual({ topic: 'paging' });
      const page = (query: Record<string, string | number>) =>
        request(t.gw.url)
          .get(`/v1/responses/${created.id}/input_items`)
          .query(query)
          .set('authorization', `Bearer ${t.key}`)
          .expect(200)
          .then(
            (r) =>
              r.body as { data: Array<{ id: string }>; first_id: string; last_id: string; has_more: boolean },
          );
      const asc = await page({ order: 'asc', limit: 2 });
      expect(asc.data).toHaveLength(2);
      expect(asc.has_more).toBe(true);
      expect(asc.first_id).toBe(asc.data[0]!.id);
      expect(asc.last_id).toBe(asc.data[1]!.id);
      const rest = await page({ order: 'asc', after: asc.last_id });
      expect(rest.data).toHaveLength(1);
      expect(rest.has_more).toBe(false);
      const all = [];
      for await (const item of t.client.responses.inputItems.list(created.id, { limit: 1 })) all.push(item);
      expect(all).toHaveLength(3);
      // Newest first by default.
      expect((all[0] as { content: Array<{ text: string }> }).content[0]!.text).toBe('two');
      const cancel = await apiError(t.client.responses.cancel(created.id));
      expect(cancel.status).toBe(400);
      const deleted = await t.client.responses.delete(created.id);
      expect(deleted).toMatchObject({ id: created.id, deleted: true });
      const gone = await apiError(t.client.responses.retrieve(created.id));
      expect(gone.status).toBe(404);
    });

    it('another tenant and another user get 404; store:false is not kept', async () => {
      const mine = await t.client.responses.create({ model: 'sim-gemini', input: 'private' });
      const { member: stranger } = await seedTenant(t.gw.url, t.adminToken);
      const colleague = await seedUser(t.gw.url, t.adminToken, t.member.tenantId, 'member');
      for (const other of [stranger, colleague]) {
        const { key } = await createApiKey(t.gw.url, other.token);
        const client = t.clientWith(key);
        expect((await apiError(client.responses.retrieve(mine.id))).status).toBe(404);
        expect((await apiError(client.responses.inputItems.list(mine.id))).status).toBe(404);
        expect((await apiError(client.responses.delete(mine.id))).status).toBe(404);
        const cont = await apiError(
          client.responses.create({ model: 'sim-gemini', input: 'x', previous_response_id: mine.id }),
        );
        expect(cont.status).toBe(404);
        expect(cont.param).toBe('previous_response_id');
      }
      expect((await t.client.responses.retrieve(mine.id)).id).toBe(mine.id);
      const unstored = await t.client.responses.create({
        model: 'sim-gpt',
        input: 'forget me',
        store: false,
      });
      expect((unstored as { store?: boolean }).store).toBe(false);
      expect((await apiError(t.client.responses.retrieve(unstored.id))).status).toBe(404);
    });
  });

  it('charges exactly: the ledger debit equals the usage record and the header, balance == sum(ledger)', async () => {
    const { data, response } = await t.client.responses
      .create({ model: 'sim-claude', input: 'pay for this' })
      .withResponse();
    const stream = t.client.responses.stream({ model: 'sim-gemini', input: 'pay for this too' });
    const streamed = await stream.finalResponse();
    const cost = (data.usage as Usage).cost!;
    expect(response.headers.get('x-switchyard-cost')).toBe(cost);
    await t.gw.app.get(UsageRecorder).flush();
    const db = t.gw.app.get(DataSource);
    for (const [requestId, charged] of [
      [response.headers.get('x-request-id')!, cost],
      [undefined, (streamed.usage as Usage).cost!],
    ] as const) {
      const rows: Array<{ request_id: string; cost: string }> = await db.query(
        `SELECT request_id, cost::text AS cost FROM usage_records WHERE user_id = $1 AND ($2::text IS NULL OR request_id = $2) ORDER BY created_at DESC LIMIT 1`,
        [t.member.id, requestId ?? null],
      );
      const row = rows[0]!;
      expect(BigInt(row.cost)).toBe(parseCredits(charged));
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

  // Last: a 429 cools the provider keys down for the rest of the run.
  it.each(MODELS)('an upstream 429 comes back as the OpenAI envelope (%s)', async (model) => {
    const err = await apiError(
      t.client.responses.create({ model, input: 'x' }, { headers: { 'x-sim-fault': 'status=429' } }),
    );
    expect([429, 503]).toContain(err.status);
    expect(typeof (err.error as { message?: string }).message).toBe('string');
  });
});
