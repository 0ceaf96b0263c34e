import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

const MODELS = [
  'simulator/sim-gpt',
  'simulator-anthropic/sim-claude',
  'simulator-gemini/sim-gemini',
] as const;

const toolCall = {
  id: 'call_1',
  type: 'function',
  function: { name: 'weather', arguments: '{"city":"Oslo"}' },
};

/** Null and missing values where a field is required, on every /v1 JSON endpoint. */
describe('null and missing content on /v1', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (path: string, body: unknown) =>
    request(t.gw.url)
      .post(path)
      .auth(t.key, { type: 'bearer' })
      .send(body as object);

  const expectInvalid = (res: request.Response, param: string) => {
    expect({ status: res.status, body: res.body as unknown }).toEqual({
      status: 400,
      body: {
        error: {
          message: expect.any(String),
          type: 'invalid_request_error',
          code: expect.any(String),
          param,
        },
      },
    });
  };

  describe.each(MODELS)('chat on %s', (model) => {
    it.each([
      ['a user message with null content', [{ role: 'user', content: null }], 'messages[0].content'],
      ['a user message without content', [{ role: 'user' }], 'messages[0].content'],
      [
        'a system message with null content',
        [
          { role: 'system', content: null },
          { role: 'user', content: 'hi' },
        ],
        'messages[0].content',
      ],
      [
        'a developer message with null content',
        [
          { role: 'developer', content: null },
          { role: 'user', content: 'hi' },
        ],
        'messages[0].content',
      ],
      [
        'a tool message with null content',
        [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: null, tool_calls: [toolCall] },
          { role: 'tool', tool_call_id: 'call_1', content: null },
        ],
        'messages[2].content',
      ],
      [
        'an assistant message with null content and no tool calls',
        [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: null },
          { role: 'user', content: 'again' },
        ],
        'messages[1].content',
      ],
      [
        'an assistant message with null content and an empty tool_calls list',
        [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: null, tool_calls: [] },
          { role: 'user', content: 'again' },
        ],
        'messages[1].content',
      ],
      [
        'a text part without text',
        [{ role: 'user', content: [{ type: 'text' }] }],
        'messages[0].content[0].text',
      ],
      [
        'a text part with null text',
        [{ role: 'user', content: [{ type: 'text', text: null }] }],
        'messages[0].content[0].text',
      ],
      [
        'an image part without image_url',
        [{ role: 'user', content: [{ type: 'image_url' }] }],
        'messages[0].content[0].image_url',
      ],
      [
        'an audio part with null data',
        [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: null, format: 'wav' } }] }],
        'messages[0].content[0].input_audio.data',
      ],
      [
        'a tool call with null function',
        [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: null }] },
        ],
        'messages[1].tool_calls[0].function',
      ],
      [
        'a tool call with null arguments',
        [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: null } }],
          },
        ],
        'messages[1].tool_calls[0].function.arguments',
      ],
      ['a null message', [null], 'messages[0]'],
    ])('refuses %s with a 400 naming the field', async (_what, messages, param) => {
      expectInvalid(await post('/v1/chat/completions', { model, messages }), param);
    });

    it('accepts a null content on an assistant message that carries tool calls, as OpenAI does', async () => {
      const res = await post('/v1/chat/completions', {
        model,
        messages: [
          { role: 'user', content: 'weather in Oslo?' },
          { role: 'assistant', content: null, tool_calls: [toolCall] },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
        tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
      });
      expect(res.status).toBe(200);
      expect(res.body.object).toBe('chat.completion');
    });
  });

  it('accepts a null content on an assistant message that carries a legacy function_call', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'simulator/sim-gpt',
      messages: [
        { role: 'user', content: 'weather in Oslo?' },
        { role: 'assistant', content: null, function_call: { name: 'weather', arguments: '{}' } },
        { role: 'function', name: 'weather', content: 'sunny' },
      ],
    });
    expect(res.status).toBe(200);
  });

  it('streams are validated the same way', async () => {
    expectInvalid(
      await post('/v1/chat/completions', {
        model: 'simulator/sim-gpt',
        stream: true,
        messages: [{ role: 'user', content: null }],
      }),
      'messages[0].content',
    );
  });

  it.each([
    ['/v1/completions', { model: 'simulator/sim-gpt', prompt: null }, 'prompt'],
    ['/v1/completions', { model: 'simulator/sim-gpt', prompt: [null] }, 'prompt[0]'],
    ['/v1/completions', { model: null, prompt: 'hi' }, 'model'],
    ['/v1/embeddings', { model: 'simulator/sim-embed', input: null }, 'input'],
    ['/v1/embeddings', { model: 'simulator/sim-embed', input: [null] }, 'input[0]'],
    ['/v1/images/generations', { model: 'simulator/sim-image', prompt: null }, 'prompt'],
    ['/v1/images/generations', { model: 'simulator/sim-image', prompt: 'x', n: null }, 'n'],
    ['/v1/audio/speech', { model: 'simulator/sim-tts', input: null, voice: 'alloy' }, 'input'],
    ['/v1/audio/speech', { model: 'simulator/sim-tts', input: 'x', voice: null }, 'voice'],
  ])('%s refuses %j with a 400 naming the field', async (path, body, param) => {
    expectInvalid(await post(path, body), param);
  });

  it('a null or non-object body is a 400 on every JSON endpoint', async () => {
    for (const path of [
      '/v1/chat/completions',
      '/v1/completions',
      '/v1/embeddings',
      '/v1/images/generations',
      '/v1/audio/speech',
    ]) {
      for (const body of ['null', '[]', '"x"', '5']) {
        const res = await request(t.gw.url)
          .post(path)
          .auth(t.key, { type: 'bearer' })
          .set('content-type', 'application/json')
          .send(body);
        expect({ path, body, status: res.status, type: res.body?.error?.type }).toEqual({
          path,
          body,
          status: 400,
          type: 'invalid_request_error',
        });
      }
    }
  });

  it('multipart endpoints refuse empty fields with a 400', async () => {
    const transcription = await request(t.gw.url)
      .post('/v1/audio/transcriptions')
      .auth(t.key, { type: 'bearer' })
      .field('model', '')
      .attach('file', Buffer.from('RIFF'), 'a.wav');
    expect(transcription.status).toBe(400);
    expect(transcription.body.error.type).toBe('invalid_request_error');
    const file = await request(t.gw.url)
      .post('/v1/files')
      .auth(t.key, { type: 'bearer' })
      .field('purpose', '')
      .attach('file', Buffer.from('hi'), 'a.txt');
    expect(file.status).toBe(400);
    expect(file.body.error).toMatchObject({ type: 'invalid_request_error', param: 'purpose' });
  });
});
