import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import OpenAI from 'openai';
import request from 'supertest';
import { createApiKey } from './support/session.js';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

const MODELS = [
  'simulator/sim-gpt',
  'simulator-gemini/sim-gemini',
  'simulator-anthropic/sim-claude',
] as const;
const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const weather: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('the OpenAI-compatible API through the official openai SDK', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe.each(MODELS)('%s', (model) => {
    it('answers a chat in exact OpenAI shape, with usage and Switchyard headers', async () => {
      const { data, response } = await t.client.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'Hello there' }] })
        .withResponse();
      expect(data.object).toBe('chat.completion');
      expect(data.model).toBe(model);
      expect(data.choices[0]!.message).toMatchObject({ role: 'assistant', content: 'echo: Hello there' });
      expect(data.choices[0]!.finish_reason).toBe('stop');
      expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
      expect(data.usage!.completion_tokens).toBeGreaterThan(0);
      expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
      expect(response.headers.get('x-switchyard-provider')).toBe(model.split('/')[0]);
      expect(response.headers.get('x-switchyard-model')).toBe(model);
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
      expect(response.headers.get('x-ratelimit-limit-requests')).toBeTruthy();
    });

    it('streams chunk by chunk and ends with usage when asked', async () => {
      const stream = await t.client.chat.completions.create({
        model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'one two three four' }],
      });
      let text = '';
      let contentChunks = 0;
      let usage: OpenAI.CompletionUsage | undefined;
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        expect(chunk.object).toBe('chat.completion.chunk');
        expect(chunk.model).toBe(model);
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) {
          text += delta;
          contentChunks++;
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text).toBe('echo: one two three four');
      // The simulator sends one chunk per word; the gateway relays them one for one.
      expect(contentChunks).toBeGreaterThanOrEqual(5);
      expect(finish).toBe('stop');
      expect(usage!.completion_tokens).toBeGreaterThan(0);
    });

    it('streams without a usage chunk when none is asked for', async () => {
      const stream = await t.client.chat.completions.create({
        model,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      for await (const chunk of stream) expect(chunk.usage ?? undefined).toBeUndefined();
    });

    it('calls tools and takes their results', async () => {
      const first = await t.client.chat.completions.create({
        model,
        tools: [weather],
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      });
      const call = first.choices[0]!.message.tool_calls![0]!;
      expect(first.choices[0]!.finish_reason).toBe('tool_calls');
      expect(call.type).toBe('function');
      if (call.type !== 'function') throw new Error('not a function call');
      expect(call.function.name).toBe('get_weather');
      expect(JSON.parse(call.function.arguments)).toEqual({ city: 'sim' });
      const second = await t.client.chat.completions.create({
        model,
        tools: [weather],
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          first.choices[0]!.message,
          { role: 'tool', tool_call_id: call.id, content: '{"celsius":4}' },
        ],
      });
      expect(second.choices[0]!.message.content).toContain('tool result:');
      expect(second.choices[0]!.message.content).toContain('4');
    });

    it('passes images to a model that can see', async () => {
      const res = await t.client.chat.completions.create({
        model,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: PIXEL } },
            ],
          },
        ],
      });
      expect(res.choices[0]!.message.content).toContain('[image]');
    });
  });

  it('honours max_tokens, stop and json mode', async () => {
    const short = await t.client.chat.completions.create({
      model: 'sim-gpt',
      max_tokens: 2,
      messages: [{ role: 'user', content: 'a b c d e f g' }],
    });
    expect(short.choices[0]!.finish_reason).toBe('length');
    const stopped = await t.client.chat.completions.create({
      model: 'sim-gpt',
      stop: ['zz'],
      messages: [{ role: 'user', content: 'a b zz d' }],
    });
    expect(stopped.choices[0]!.message.content).toBe('echo: a b ');
    const json = await t.client.chat.completions.create({
      model: 'sim-gpt',
      response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: 'give json' }],
    });
    expect(JSON.parse(json.choices[0]!.message.content!)).toEqual({ echo: 'give json' });
  });

  it('creates embeddings as floats and as base64, with dimensions', async () => {
    const floats = await t.client.embeddings.create({
      model: 'sim-embed',
      input: ['a', 'b'],
      encoding_format: 'float',
      dimensions: 8,
    });
    expect(floats.data).toHaveLength(2);
    expect(floats.data[0]!.embedding).toHaveLength(8);
    expect(floats.model).toBe('simulator/sim-embed');
    // The SDK asks for base64 by default and decodes it: the same vector must come back.
    const decoded = await t.client.embeddings.create({
      model: 'sim-embed',
      input: ['a', 'b'],
      dimensions: 8,
    });
    expect(decoded.data[0]!.embedding[0]).toBeCloseTo(floats.data[0]!.embedding[0]!, 6);
    const tokens = await t.client.embeddings.create({
      model: 'sim-embed',
      input: [[1, 2, 3]],
      encoding_format: 'float',
    });
    expect(tokens.data).toHaveLength(1);
    expect(tokens.usage.prompt_tokens).toBe(3);
  });

  it('sends a large embeddings answer an embedding at a time, the same JSON the SDK reads', async () => {
    const input = Array.from({ length: 300 }, (_, i) => `text ${i}`);
    // 300 x 3,072 floats: ~18 MB of JSON, written in pieces (chunked, no Content-Length).
    const { data: floats, response } = await t.client.embeddings
      .create({ model: 'sim-embed', input, encoding_format: 'float', dimensions: 3_072 })
      .withResponse();
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('x-switchyard-cost')).toBeTruthy();
    expect(floats.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(floats.data.every((d) => d.embedding.length === 3_072)).toBe(true);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
    // The SDK's default (base64 decoded by the gateway) gives the same vectors.
    const decoded = await t.client.embeddings.create({ model: 'sim-embed', input, dimensions: 3_072 });
    expect(decoded.data[299]!.embedding[3_071]).toBeCloseTo(floats.data[299]!.embedding[3_071]!, 6);
    // A small answer is one write with its length.
    const small = await t.client.embeddings
      .create({ model: 'sim-embed', input: 'one', encoding_format: 'float', dimensions: 8 })
      .withResponse();
    expect(small.response.headers.get('content-length')).toBeTruthy();
  });

  it('serves legacy completions', async () => {
    const res = await t.client.completions.create({ model: 'sim-gpt', prompt: 'Say hi' });
    expect(res.object).toBe('text_completion');
    expect(res.choices[0]!.text).toBe('echo: Say hi');
  });

  it('lists and retrieves models', async () => {
    const ids = [];
    for await (const m of t.client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining([...MODELS, 'simulator/sim-embed']));
    expect((await t.client.models.retrieve('sim-gpt')).id).toBe('simulator/sim-gpt');
    await expect(t.client.models.retrieve('no-such-model')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  describe('errors raise the SDK’s own classes', () => {
    it('unknown model: NotFoundError', async () => {
      const err = await t.client.chat.completions
        .create({ model: 'gpt-99', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    });

    it('bad request: BadRequestError naming the parameter', async () => {
      const err = (await t.client.chat.completions
        .create({ model: 'sim-gpt', messages: [{ role: 'robot' as 'user', content: 'x' }] })
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.param).toBe('messages[0].role');
      const empty = await t.client.chat.completions
        .create({ model: 'sim-gpt', messages: [] })
        .catch((e: unknown) => e);
      expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
    });

    it('a bad number or type: 400 saying what the parameter takes, not its null branch, and nothing charged', async () => {
      const balance = async () =>
        (await request(t.gw.url).get('/api/v1/credits/balance').auth(t.member.token, { type: 'bearer' })).body
          .balance as string;
      const before = await balance();
      const messages = [{ role: 'user', content: 'x' }];
      const cases: Array<[string, Record<string, unknown>, string, string]> = [
        [
          '/v1/chat/completions',
          { model: 'sim-gpt', messages, max_tokens: -3 },
          'max_tokens',
          "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got -3 instead.",
        ],
        [
          '/v1/chat/completions',
          { model: 'sim-gpt', messages, temperature: 'hot' },
          'temperature',
          "Invalid type for 'temperature': expected number or null, but got string.",
        ],
        [
          '/v1/chat/completions',
          { model: 'sim-gpt', messages, temperature: 3 },
          'temperature',
          "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
        ],
        [
          '/v1/chat/completions',
          { model: 'sim-gpt', messages, n: 0 },
          'n',
          "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.",
        ],
        [
          '/v1/completions',
          { model: 'sim-gpt', prompt: 'x', max_tokens: -3 },
          'max_tokens',
          "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got -3 instead.",
        ],
        [
          '/v1/embeddings',
          { model: 'sim-embed', input: -3 },
          'input',
          "Invalid type for 'input': expected string or array, but got integer.",
        ],
        [
          '/v1/embeddings',
          { model: 'sim-embed', input: 'x', dimensions: 0 },
          'dimensions',
          "Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got 0 instead.",
        ],
      ];
      for (const [path, body, param, message] of cases) {
        const res = await request(t.gw.url).post(path).set('authorization', `Bearer ${t.key}`).send(body);
        expect({ path, status: res.status, error: res.body.error }).toEqual({
          path,
          status: 400,
          error: { type: 'invalid_request_error', code: 'invalid_value', param, message },
        });
      }
      expect(await balance()).toBe(before);
    });

    it('a capability the model lacks: 400 that names a model that has it', async () => {
      const image = (await t.client.chat.completions
        .create({
          model: 'sim-text',
          messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: PIXEL } }] }],
        })
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
      expect(image).toBeInstanceOf(OpenAI.BadRequestError);
      expect(image.message).toMatch(/image/i);
      expect(image.message).toMatch(/simulator\/sim-gpt|sim-gpt/);
      const tools = await t.client.chat.completions
        .create({ model: 'sim-text', tools: [weather], messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(tools).toBeInstanceOf(OpenAI.BadRequestError);
      const embed = await t.client.embeddings
        .create({ model: 'sim-gpt', input: 'x' })
        .catch((e: unknown) => e);
      expect(embed).toBeInstanceOf(OpenAI.BadRequestError);
    });

    it('a bad key: AuthenticationError; a model the key may not use: PermissionDeniedError', async () => {
      const bad = await t
        .clientWith('sk-sy-nope')
        .chat.completions.create({ model: 'sim-gpt', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(OpenAI.AuthenticationError);
      const { key } = await createApiKey(t.gw.url, t.member.token, {
        allowed_models: ['simulator-anthropic/*'],
      });
      const limited = t.clientWith(key);
      const denied = await limited.chat.completions
        .create({ model: 'sim-gpt', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
      const ok = await limited.chat.completions.create({
        model: 'sim-claude',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(ok.model).toBe('simulator-anthropic/sim-claude');
      const listed = [];
      for await (const m of limited.models.list()) listed.push(m.id);
      expect(listed.every((id) => id.startsWith('simulator-anthropic/'))).toBe(true);
    });

    it('over the key’s rate: RateLimitError', async () => {
      const { key } = await createApiKey(t.gw.url, t.member.token, { rpm: 1 });
      const client = t.clientWith(key);
      await client.chat.completions.create({ model: 'sim-gpt', messages: [{ role: 'user', content: 'x' }] });
      const err = await client.chat.completions
        .create({ model: 'sim-gpt', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    });

    it('upstream failures: 502 after retries, 504 on timeouts, and request errors passed through as 400', async () => {
      const failing = await t.client.chat.completions
        .create(
          { model: 'sim-gpt', messages: [{ role: 'user', content: 'x' }] },
          { headers: { 'x-sim-fault': 'status=500' } },
        )
        .catch((e: unknown) => e);
      expect(failing).toBeInstanceOf(OpenAI.APIError);
      expect((failing as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
      const context = (await t.client.chat.completions
        .create(
          { model: 'sim-gpt', messages: [{ role: 'user', content: 'x' }] },
          { headers: { 'x-sim-fault': 'context_length' } },
        )
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
      expect(context).toBeInstanceOf(OpenAI.BadRequestError);
      expect(context.code).toBe('context_length_exceeded');
    });

    it('a stream that breaks mid-way ends with an error the SDK raises, not a silent truncation', async () => {
      const stream = await t.client.chat.completions.create(
        {
          model: 'sim-gpt',
          stream: true,
          messages: [{ role: 'user', content: 'one two three four five six' }],
        },
        { headers: { 'x-sim-fault': 'drop_after=3' } },
      );
      let text = '';
      const err = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toBe('echo: one two three four five six');
    });
  });

  it('ignores a "__proto__" field: it reaches no upstream request, as a field or through a prototype', async () => {
    t.sim.clearRequests();
    const res = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .set('content-type', 'application/json')
      .send(
        '{"model":"simulator-anthropic/sim-claude","max_tokens":8,"messages":[{"role":"user","content":"proto"}],' +
          '"__proto__":{"temperature":0.123,"top_p":0.456}}',
      );
    expect(res.status).toBe(200);
    const upstream = t.sim.requests.at(-1)!.body as Record<string, unknown>;
    expect([upstream['temperature'], upstream['top_p'], upstream['max_tokens']]).toEqual([
      undefined,
      undefined,
      8,
    ]);
    expect(JSON.stringify(upstream)).not.toContain('__proto__');
  });

  it('sends the caller’s own provider key (X-Provider-Key) upstream', async () => {
    t.sim.clearRequests();
    await t.client.chat.completions.create(
      { model: 'sim-gpt', messages: [{ role: 'user', content: 'byok' }] },
      { headers: { 'x-provider-key': 'sk-my-own-upstream-key' } },
    );
    expect(t.sim.requests.at(-1)!.apiKey).toBe('sk-my-own-upstream-key');
  });

  it('falls over to the next model in models: [...] and says which one answered', async () => {
    const res = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .send({
        models: ['simulator/sim-gpt-fault-503', 'simulator-anthropic/sim-claude'],
        messages: [{ role: 'user', content: 'fallback' }],
      })
      .expect(200);
    expect(res.body.model).toBe('simulator-anthropic/sim-claude');
    expect(res.headers['x-switchyard-model']).toBe('simulator-anthropic/sim-claude');
    expect(res.body.choices[0].message.content).toBe('echo: fallback');
    await t.gw.app.get(ActivityLogService).flush();
    const log = await request(t.gw.url)
      .get('/api/v1/activity-logs')
      .query({ action: 'FAILOVER' })
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    const entry = log.body.data.find(
      (e: { request_id: string }) => e.request_id === res.headers['x-request-id'],
    );
    expect(entry).toBeDefined();
    expect(entry.description).toContain('simulator/sim-gpt-fault-503');
    expect(entry.description).toContain('simulator-anthropic/sim-claude');
  });

  it('answers management-API-style errors for a non-JSON body and a missing model', async () => {
    const res = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .send({ messages: [{ role: 'user', content: 'x' }] })
      .expect(400);
    expect(res.body.error.type).toBe('invalid_request_error');
    await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .set('content-type', 'application/json')
      .send('[1,2]')
      .expect(400);
  });
});
