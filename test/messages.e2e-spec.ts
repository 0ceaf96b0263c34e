import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Anthropic from '@anthropic-ai/sdk';
import type {
  MessageCreateParamsNonStreaming,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import { parseCredits } from '@switchyard/core';
import { UsageRecorder } from '@switchyard/credits';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiKey, seedTenant } from './support/session.js';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

/** The three wire formats of the simulator, each behind its own provider. */
const FORMATS = [
  { format: 'anthropic', model: 'simulator-anthropic/sim-claude' },
  { format: 'openai', model: 'simulator/sim-gpt' },
  { format: 'gemini', model: 'simulator-gemini/sim-gemini' },
] as const;
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF').toString('base64');
const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const CLAUDE_CODE = JSON.parse(
  readFileSync(new URL('./fixtures/claude-code-messages.json', import.meta.url), 'utf8'),
) as { requests: Array<{ name: string; body: Record<string, unknown> }> };

type ApiErrorLike = InstanceType<typeof Anthropic.APIError>;

describe('the Anthropic Messages API through the official @anthropic-ai/sdk', () => {
  let t: LlmGateway;
  let client: Anthropic;
  let poor: Anthropic;
  const clientWith = (key: string, extra: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}) =>
    new Anthropic({ baseURL: t.gw.url, apiKey: key, maxRetries: 0, timeout: 20_000, ...extra });

  beforeAll(async () => {
    t = await startLlmGateway({ env: { SIGNUP_CREDITS: '0' } });
    await request(t.gw.url)
      .post('/api/v1/credits/grants')
      .auth(t.adminToken, { type: 'bearer' })
      .set('idempotency-key', randomUUID())
      .send({ user_id: t.member.id, amount: '1000', reason: 'messages tests' })
      .expect(201);
    client = clientWith(t.key);
    const broke = await seedTenant(t.gw.url, t.adminToken);
    poor = clientWith((await createApiKey(t.gw.url, broke.member.token)).key);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The call's charge: its usage records' cost is the cost header and the ledger's net debit. */
  /** `costHeader` for whole answers; a stream's headers go out before its cost is known. */
  async function expectCharged(
    requestId: string | null | undefined,
    costHeader?: string | null,
  ): Promise<void> {
    expect(requestId).toMatch(/^req_/);
    await t.gw.app.get(UsageRecorder).flush();
    const db = t.gw.app.get(DataSource);
    const rows = await db.query<Array<{ cost: string }>>(
      'SELECT cost FROM usage_records WHERE request_id = $1',
      [requestId],
    );
    expect(rows.length).toBeGreaterThan(0);
    const cost = rows.reduce((n, r) => n + BigInt(r.cost), 0n);
    expect(cost).toBeGreaterThan(0n);
    if (costHeader !== undefined) expect(cost).toBe(parseCredits(costHeader!));
    let net = 0n;
    for (let i = 0; i < 50; i++) {
      const [row] = await db.query<Array<{ net: string | null }>>(
        'SELECT SUM(amount)::text AS net FROM credit_ledger WHERE request_id = $1',
        [requestId],
      );
      net = BigInt(row?.net ?? '0');
      if (net === -cost) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(net).toBe(-cost);
  }

  async function expectNothingCharged(requestId: string | null | undefined): Promise<void> {
    await t.gw.app.get(UsageRecorder).flush();
    const [row] = await t.gw.app
      .get(DataSource)
      .query<Array<{ net: string | null }>>(
        'SELECT SUM(amount)::text AS net FROM credit_ledger WHERE request_id = $1',
        [requestId],
      );
    expect(BigInt(row?.net ?? '0')).toBe(0n);
  }

  async function ledgerBalances(): Promise<void> {
    const res = await request(t.gw.url)
      .get('/api/v1/credits/verify')
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    expect(res.body.ok).toBe(true);
  }

  async function create(body: MessageCreateParamsNonStreaming) {
    const { data, response } = await client.messages.create(body).withResponse();
    return { message: data, response };
  }

  async function failure(promise: Promise<unknown>): Promise<ApiErrorLike> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Anthropic.APIError);
    return error as ApiErrorLike;
  }

  describe.each(FORMATS)('$format format ($model)', ({ format, model }) => {
    it('answers a text message in Anthropic shape, with usage, the answer headers and the exact charge', async () => {
      const { message, response } = await create({
        model,
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Hello there' }],
      });
      expect(message.id).toMatch(/^msg_/);
      expect(message).toMatchObject({
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: 'echo: Hello there' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
      });
      expect(message.usage.input_tokens).toBeGreaterThan(0);
      expect(message.usage.output_tokens).toBeGreaterThan(0);
      expect(message.usage.cache_read_input_tokens).toBe(0);
      expect(message.usage.cache_creation_input_tokens).toBe(0);
      expect(response.headers.get('x-switchyard-provider')).toBe(model.split('/')[0]);
      expect(response.headers.get('x-switchyard-model')).toBe(model);
      expect(response.headers.get('request-id')).toBe(response.headers.get('x-request-id'));
      await expectCharged(response.headers.get('request-id'), response.headers.get('x-switchyard-cost'));
    });

    it('streams Anthropic events in order, ends with usage and charges exactly', async () => {
      const stream = client.messages.stream({
        model,
        max_tokens: 256,
        messages: [{ role: 'user', content: 'one two three four' }],
      });
      const events: RawMessageStreamEvent[] = [];
      stream.on('streamEvent', (event) => events.push(event));
      const message = await stream.finalMessage();
      const types = events.map((e) => e.type);
      expect(types[0]).toBe('message_start');
      expect(types.at(-1)).toBe('message_stop');
      expect(types.at(-2)).toBe('message_delta');
      expect(types.filter((x) => x === 'content_block_start')).toHaveLength(1);
      expect(types.filter((x) => x === 'content_block_delta').length).toBeGreaterThanOrEqual(4);
      expect(message.content).toEqual([{ type: 'text', text: 'echo: one two three four', citations: null }]);
      expect(message.stop_reason).toBe('end_turn');
      expect(message.usage.input_tokens).toBeGreaterThan(0);
      expect(message.usage.output_tokens).toBeGreaterThan(0);
      const response = stream.response!;
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(response.headers.get('x-switchyard-model')).toBe(model);
      expect(response.headers.get('x-switchyard-provider')).toBe(model.split('/')[0]);
      await expectCharged(response.headers.get('request-id'));
    });

    it('takes system blocks and a multi-turn conversation', async () => {
      const { message } = await create({
        model,
        max_tokens: 256,
        system: [
          { type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Answer in English.' },
        ],
        messages: [
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: [{ type: 'text', text: 'first answer' }] },
          { role: 'user', content: [{ type: 'text', text: 'second question' }] },
        ],
      });
      expect(message.content).toEqual([{ type: 'text', text: 'echo: second question', citations: null }]);
    });

    it('passes a base64 image and a PDF document', async () => {
      const { message } = await create({
        model,
        max_tokens: 256,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF } },
            ],
          },
        ],
      });
      const text = (message.content[0] as Anthropic.TextBlock).text;
      expect(text).toContain('[image]');
    });

    it('calls a tool and takes its result', async () => {
      const first = await create({
        model,
        max_tokens: 256,
        tools: [weather],
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      });
      expect(first.message.stop_reason).toBe('tool_use');
      const call = first.message.content.find((b) => b.type === 'tool_use')!;
      expect(call).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'sim' } });
      const second = await create({
        model,
        max_tokens: 256,
        tools: [weather],
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          { role: 'assistant', content: first.message.content },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: call.id,
                content: '{"celsius":4}',
              },
            ],
          },
        ],
      });
      const text = (second.message.content[0] as Anthropic.TextBlock).text;
      expect(text).toContain('tool result:');
      expect(text).toContain('4');
    });

    it('streams a tool call as a tool_use block with input_json_delta events', async () => {
      const stream = client.messages.stream({
        model,
        max_tokens: 256,
        tools: [weather],
        tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      });
      const events: RawMessageStreamEvent[] = [];
      stream.on('streamEvent', (event) => events.push(event));
      const message = await stream.finalMessage();
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content.at(-1)).toMatchObject({
        type: 'tool_use',
        name: 'get_weather',
        input: { city: 'sim' },
      });
      expect(
        events.some((e) => e.type === 'content_block_delta' && e.delta.type === 'input_json_delta'),
      ).toBe(true);
    });

    it('takes parallel tool calls and their results back in one turn', async () => {
      const { message } = await create({
        model,
        max_tokens: 256,
        tools: [weather],
        messages: [
          { role: 'user', content: 'Weather in Oslo and Rome?' },
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Oslo' } },
              { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: { city: 'Rome' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_a', content: 'oslo-4' },
              { type: 'tool_result', tool_use_id: 'toolu_b', content: [{ type: 'text', text: 'rome-21' }] },
            ],
          },
        ],
      });
      const text = (message.content[0] as Anthropic.TextBlock).text;
      expect(text).toContain('oslo-4');
      expect(text).toContain('rome-21');
    });

    it('stops at a stop sequence and at max_tokens', async () => {
      const { message } = await create({
        model,
        max_tokens: 256,
        stop_sequences: ['three'],
        messages: [{ role: 'user', content: 'one two three four' }],
      });
      expect((message.content[0] as Anthropic.TextBlock).text).toBe('echo: one two ');
      // Only Anthropic says which sequence stopped it; the others report a plain stop (docs/translation.md).
      if (format === 'anthropic')
        expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'three' });
      else expect(message).toMatchObject({ stop_reason: 'end_turn', stop_sequence: null });
      const short = await create({
        model,
        max_tokens: 2,
        messages: [{ role: 'user', content: 'a b c d e f g' }],
      });
      expect(short.message.stop_reason).toBe('max_tokens');
    });

    it('thinks when asked, and a signed thinking block sent back reaches the upstream unchanged', async () => {
      const question = { role: 'user' as const, content: 'why is the sky blue' };
      const { message } = await create({
        model,
        max_tokens: 4096,
        thinking: { type: 'enabled', budget_tokens: 2048 },
        messages: [question],
      });
      const text = message.content.find((b) => b.type === 'text') as Anthropic.TextBlock;
      expect(text.text).toBe('echo: why is the sky blue');
      const upstream = t.sim.requests.at(-1)!.body as Record<string, unknown>;
      if (format === 'openai') {
        // OpenAI-format upstreams get the nearest reasoning effort, never Anthropic's fields.
        expect(upstream).toMatchObject({ reasoning_effort: 'low' });
        expect(upstream.thinking).toBeUndefined();
        return;
      }
      const thinking = message.content[0] as Anthropic.ThinkingBlock;
      expect(thinking.type).toBe('thinking');
      expect(thinking.thinking).toBe('Thinking about: why is the sky blue');
      if (format === 'gemini') {
        expect(upstream).toMatchObject({
          generationConfig: { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } },
        });
        expect(thinking.signature).toBe('');
        return;
      }
      expect(upstream.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
      expect(thinking.signature).toMatch(/^sig_sim_/);
      const next = await create({
        model,
        max_tokens: 4096,
        thinking: { type: 'enabled', budget_tokens: 2048 },
        messages: [
          question,
          { role: 'assistant', content: message.content },
          { role: 'user', content: 'and at night?' },
        ],
      });
      expect(next.message.content.at(-1)).toMatchObject({ type: 'text', text: 'echo: and at night?' });
      const sent = (t.sim.requests.at(-1)!.body as { messages: Array<{ content: unknown[] }> }).messages[1]!
        .content;
      expect(sent[0]).toEqual({
        type: 'thinking',
        thinking: thinking.thinking,
        signature: thinking.signature,
      });
      // An altered block is refused upstream (as Anthropic does), and the caller hears why.
      const altered = await failure(
        create({
          model,
          max_tokens: 4096,
          thinking: { type: 'enabled', budget_tokens: 2048 },
          messages: [
            question,
            { role: 'assistant', content: [{ ...thinking, thinking: 'forged' }, text] },
            { role: 'user', content: 'and at night?' },
          ],
        }),
      );
      expect(altered.status).toBe(400);
    });

    it('streams thinking as thinking_delta (and signature_delta where signed) before the text', async () => {
      const stream = client.messages.stream({
        model,
        max_tokens: 4096,
        thinking: { type: 'enabled', budget_tokens: 2048 },
        messages: [{ role: 'user', content: 'why is the sky blue' }],
      });
      const events: RawMessageStreamEvent[] = [];
      stream.on('streamEvent', (event) => events.push(event));
      const message = await stream.finalMessage();
      expect(message.content.at(-1)).toMatchObject({ type: 'text', text: 'echo: why is the sky blue' });
      if (format === 'openai') return;
      expect(message.content[0]).toMatchObject({
        type: 'thinking',
        thinking: 'Thinking about: why is the sky blue',
      });
      const starts = events.filter((e) => e.type === 'content_block_start');
      expect(starts.map((e) => e.index)).toEqual([0, 1]);
      expect(events.some((e) => e.type === 'content_block_delta' && e.delta.type === 'thinking_delta')).toBe(
        true,
      );
      if (format === 'anthropic') {
        expect(
          events.some((e) => e.type === 'content_block_delta' && e.delta.type === 'signature_delta'),
        ).toBe(true);
        expect((message.content[0] as Anthropic.ThinkingBlock).signature).toMatch(/^sig_sim_/);
      }
    });

    it('reports prompt-cache tokens in usage', async () => {
      const body: MessageCreateParamsNonStreaming = {
        model,
        max_tokens: 64,
        system: [
          {
            type: 'text',
            text: `Cached instructions ${format} ${'lorem ipsum '.repeat(50)}`,
            cache_control: { type: 'ephemeral' },
          },
        ],
        messages: [{ role: 'user', content: 'cache me' }],
      };
      const first = await create(body);
      const second = await create(body);
      for (const { message } of [first, second]) {
        expect(typeof message.usage.cache_read_input_tokens).toBe('number');
        expect(typeof message.usage.cache_creation_input_tokens).toBe('number');
      }
      if (format === 'anthropic') {
        expect(first.message.usage.cache_creation_input_tokens).toBeGreaterThan(0);
        expect(second.message.usage.cache_read_input_tokens).toBe(
          first.message.usage.cache_creation_input_tokens,
        );
        // Cache tokens are prompt tokens, charged at their own prices.
        await expectCharged(
          second.response.headers.get('request-id'),
          second.response.headers.get('x-switchyard-cost'),
        );
      }
    });

    it('ends a stream cut mid-way with an error event, and charges what was delivered', async () => {
      const stream = client.messages.stream({
        model: `${model}-drop-6`,
        max_tokens: 256,
        messages: [{ role: 'user', content: 'please tell me a long story about gateways and streams' }],
      });
      let text = '';
      stream.on('text', (delta) => (text += delta));
      const error = await failure(stream.finalMessage());
      expect((error.error as { error: { type: string } }).error.type).toBe('api_error');
      expect(text.length).toBeGreaterThan(0);
      const response = stream.response!;
      await expectCharged(response.headers.get('request-id'));
    });

    it('is well-formed for Claude Code request shapes', async () => {
      for (const { name, body } of CLAUDE_CODE.requests) {
        const params = { ...body, model } as unknown as MessageCreateParamsNonStreaming;
        if (body.stream) {
          const stream = client.messages.stream(params);
          const message = await stream.finalMessage();
          expect({ name, type: message.type, stop: message.stop_reason !== null }).toEqual({
            name,
            type: 'message',
            stop: true,
          });
          expect(message.content.length).toBeGreaterThan(0);
          expect(message.content.every((b) => ['text', 'thinking', 'tool_use'].includes(b.type))).toBe(true);
        } else {
          const { message } = await create(params);
          expect({ name, type: message.type }).toEqual({ name, type: 'message' });
          expect(message.content[0]!.type).toBe('text');
        }
      }
      if (format === 'anthropic') {
        // Cache breakpoints (system, tools, the tool_result) and metadata reach Anthropic intact.
        const sent = t.sim.requests.filter((r) => r.path === '/v1/messages').at(-2)!.body as Record<
          string,
          unknown
        >;
        expect(sent.metadata).toEqual({ user_id: 'user_3f1c_account__session_7a2b' });
        const messages = sent.messages as Array<{ content: Array<Record<string, unknown>> }>;
        expect(messages.at(-1)!.content[0]).toMatchObject({
          type: 'tool_result',
          cache_control: { type: 'ephemeral' },
        });
        expect((sent.system as Array<Record<string, unknown>>)[0]).toMatchObject({
          cache_control: { type: 'ephemeral' },
        });
      }
    });
  });

  describe('errors, auth and count_tokens', () => {
    it('a bad input is a 400 in Anthropic shape naming the field, and charges nothing', async () => {
      const res = await request(t.gw.url)
        .post('/v1/messages')
        .set('x-api-key', t.key)
        .set('anthropic-version', '2023-06-01')
        .send({ model: FORMATS[0].model, messages: [{ role: 'user', content: 'hi' }] });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') },
        request_id: res.headers['request-id'],
      });
      await expectNothingCharged(res.headers['request-id']);
      const err = await failure(
        create({
          model: FORMATS[0].model,
          max_tokens: 10,
          temperature: 3,
          messages: [{ role: 'user', content: 'hi' }],
        } as never),
      );
      expect(err.status).toBe(400);
      expect(err.message).toContain('temperature');
      // A bad number or type says what the field takes, in Anthropic's shape, and charges nothing.
      const refusals: Array<[Record<string, unknown>, string]> = [
        [
          { max_tokens: -3 },
          "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got -3 instead.",
        ],
        [
          { max_tokens: 10, temperature: 'hot' },
          "Invalid type for 'temperature': expected number, but got string.",
        ],
        [
          { max_tokens: 10, top_k: -1 },
          "Invalid 'top_k': integer below minimum value. Expected a value >= 0, but got -1 instead.",
        ],
      ];
      for (const [extra, message] of refusals) {
        const refused = await request(t.gw.url)
          .post('/v1/messages')
          .set('x-api-key', t.key)
          .set('anthropic-version', '2023-06-01')
          .send({ model: FORMATS[0].model, messages: [{ role: 'user', content: 'hi' }], ...extra });
        expect({ status: refused.status, body: refused.body }).toEqual({
          status: 400,
          body: {
            type: 'error',
            error: { type: 'invalid_request_error', message },
            request_id: refused.headers['request-id'],
          },
        });
        await expectNothingCharged(refused.headers['request-id']);
      }
      const json = await request(t.gw.url)
        .post('/v1/messages')
        .set('x-api-key', t.key)
        .set('content-type', 'application/json')
        .send('{"model":');
      expect(json.status).toBe(400);
      expect(json.body.type).toBe('error');
      expect(json.body.error.type).toBe('invalid_request_error');
    });

    it('refuses what cannot be translated faithfully, naming it', async () => {
      const image = await failure(
        create({
          model: FORMATS[0].model,
          max_tokens: 10,
          messages: [
            {
              role: 'user',
              content: [
                {
                  type: 'tool_result',
                  tool_use_id: 'x',
                  content: [
                    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
                  ],
                },
              ],
            },
          ],
        }),
      );
      expect(image.status).toBe(400);
      expect(image.message).toContain('messages[0].content[0].content[0]');
      const server = await failure(
        create({
          model: FORMATS[0].model,
          max_tokens: 10,
          tools: [{ type: 'web_search_20250305', name: 'web_search' } as never],
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );
      expect(server.status).toBe(400);
      expect(server.message).toContain('tools[0]');
      const link = await failure(
        create({
          model: 'simulator-gemini/sim-gemini',
          max_tokens: 10,
          messages: [
            {
              role: 'user',
              content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }],
            },
          ],
        }),
      );
      expect(link.status).toBe(400);
      expect(link.message).toMatch(/Gemini/);
      await expectNothingCharged(link.requestID);
    });

    it('a bad key is a 401, Bearer works, and anthropic-beta is tolerated', async () => {
      const bad = await failure(
        clientWith('sk-sy-not-a-real-key').messages.create({
          model: FORMATS[0].model,
          max_tokens: 10,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );
      expect(bad).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((bad.error as { error: { type: string } }).error.type).toBe('authentication_error');
      const bearer = new Anthropic({ baseURL: t.gw.url, authToken: t.key, apiKey: null, maxRetries: 0 });
      const ok = await bearer.messages.create(
        { model: FORMATS[0].model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } },
      );
      expect(ok.type).toBe('message');
    });

    it('no credit is a 402 billing_error, and nothing is charged', async () => {
      const err = await failure(
        poor.messages.create({
          model: FORMATS[1].model,
          max_tokens: 10,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );
      expect(err.status).toBe(402);
      expect((err.error as { error: { type: string } }).error.type).toBe('billing_error');
      await expectNothingCharged(err.requestID);
    });

    it('an unknown model is a 404 not_found_error', async () => {
      const err = await failure(
        create({
          model: 'nowhere/no-such-model',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );
      expect(err).toBeInstanceOf(Anthropic.NotFoundError);
      expect((err.error as { error: { type: string } }).error.type).toBe('not_found_error');
    });

    it('counts tokens without charging', async () => {
      const counted = await client.messages.countTokens({
        model: FORMATS[0].model,
        system: 'You are terse.',
        tools: [weather],
        messages: [{ role: 'user', content: 'Hello there' }],
      });
      expect(counted.input_tokens).toBeGreaterThan(10);
      const missing = await failure(
        client.messages.countTokens({
          model: 'nowhere/no-such-model',
          messages: [{ role: 'user', content: 'x' }],
        }),
      );
      expect(missing.status).toBe(404);
    });
  });

  // Last: a 429 cools the provider's only key down, so later calls to it would get 529.
  describe.each(FORMATS)('upstream failures, $format format', ({ model }) => {
    it('answers upstream failures in Anthropic error shape: 429 and 5xx', async () => {
      const limited = await failure(
        create({ model: `${model}-fault-429`, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }),
      );
      expect([429, 529]).toContain(limited.status);
      expect((limited.error as { type: string }).type).toBe('error');
      expect((limited.error as { error: { type: string } }).error.type).toBe(
        limited.status === 429 ? 'rate_limit_error' : 'overloaded_error',
      );
      expect(limited.requestID).toMatch(/^req_/);
      await expectNothingCharged(limited.requestID);
      const broken = await failure(
        create({ model: `${model}-fault-500`, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }),
      );
      expect(broken.status).toBeGreaterThanOrEqual(500);
      expect((broken.error as { error: { type: string } }).error.type).toMatch(
        /^(api_error|overloaded_error)$/,
      );
      await expectNothingCharged(broken.requestID);
    });
  });

  describe('after every call above', () => {
    it('keeps balance == sum(ledger)', async () => {
      await ledgerBalances();
    });
  });
});
