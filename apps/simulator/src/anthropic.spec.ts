import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Anthropic from '@anthropic-ai/sdk';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { startSimulator } from './index.js';
import type { Simulator } from './index.js';

const tokens = (text: string): number => encode(text).length;
const promptTokens = (...messages: string[]): number => messages.reduce((sum, m) => sum + tokens(m) + 3, 3);

const tools: Anthropic.Tool[] = [
  {
    name: 'get_stock',
    description: 'Price of a ticker',
    input_schema: {
      type: 'object',
      properties: { ticker: { type: 'string' }, exact: { type: 'boolean' } },
      required: ['ticker', 'exact'],
    },
  },
];

describe('simulator: Anthropic', () => {
  let sim: Simulator;
  let client: Anthropic;

  beforeAll(async () => {
    sim = await startSimulator();
    client = new Anthropic({ apiKey: 'ant-key', baseURL: sim.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('creates a message with usage', async () => {
    const message = await client.messages.create({
      model: 'sim-claude',
      max_tokens: 100,
      system: 'Be kind.',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'reply' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'and now' },
            { type: 'text', text: 'this' },
          ],
        },
      ],
    });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'sim-claude',
      content: [{ type: 'text', text: 'echo: and now this' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(message.id).toMatch(/^msg_sim_\d+$/);
    expect(message.usage.input_tokens).toBe(promptTokens('Be kind.', 'first', 'reply', 'and now this'));
    expect(message.usage.output_tokens).toBe(tokens('echo: and now this'));
    expect(sim.requests.at(-1)).toMatchObject({
      format: 'anthropic',
      apiKey: 'ant-key',
      model: 'sim-claude',
    });
    expect(sim.requests.at(-1)!.headers['anthropic-version']).toBeDefined();
  });

  it('stops at max_tokens and at stop sequences', async () => {
    const cut = await client.messages.create({
      model: 'sim-claude',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'long text' }],
    });
    expect(cut.stop_reason).toBe('max_tokens');
    expect(cut.usage.output_tokens).toBe(1);

    const stopped = await client.messages.create({
      model: 'sim-claude',
      max_tokens: 100,
      stop_sequences: ['text'],
      messages: [{ role: 'user', content: 'long text' }],
    });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe('text');
    expect(stopped.content).toEqual([{ type: 'text', text: 'echo: long ' }]);
  });

  it('streams the documented event sequence', async () => {
    const stream = client.messages.stream({
      model: 'sim-claude',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hello stream' }],
    });
    const events: string[] = [];
    const texts: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    stream.on('text', (text) => texts.push(text));
    const final = await stream.finalMessage();
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(texts).toEqual(['echo: ', 'hello ', 'stream']);
    expect(final.content).toEqual([{ type: 'text', text: 'echo: hello stream' }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(tokens('echo: hello stream'));
  });

  it('sends event: lines and a ping on the wire', async () => {
    const res = await fetch(`${sim.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'm',
        max_tokens: 5,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(text.startsWith('event: message_start\ndata: {')).toBe(true);
    expect(text).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
  });

  it('uses tools, streamed or not, and acknowledges tool results', async () => {
    const message = await client.messages.create({
      model: 'sim-claude',
      max_tokens: 100,
      tools,
      messages: [{ role: 'user', content: 'price of ACME?' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'toolu_sim_0', name: 'get_stock', input: { ticker: 'sim', exact: true } },
    ]);

    const stream = client.messages.stream({
      model: 'sim-claude',
      max_tokens: 100,
      tools,
      tool_choice: { type: 'tool', name: 'get_stock' },
      messages: [{ role: 'user', content: 'price of ACME?' }],
    });
    const partials: string[] = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
        partials.push(event.delta.partial_json);
      }
    });
    const streamed = await stream.finalMessage();
    expect(partials.length).toBeGreaterThanOrEqual(2);
    expect(streamed.content[0]).toMatchObject({ type: 'tool_use', input: { ticker: 'sim', exact: true } });

    const followUp = await client.messages.create({
      model: 'sim-claude',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'price of ACME?' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_sim_0', content: '42.5 USD' }] },
      ],
    });
    expect(followUp.content).toEqual([{ type: 'text', text: 'tool result: 42.5 USD' }]);
    expect(followUp.stop_reason).toBe('end_turn');
  });

  it('rejects a missing max_tokens with 400 invalid_request_error', async () => {
    const error = await client.messages
      .create({
        model: 'sim-claude',
        messages: [{ role: 'user', content: 'x' }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('counts tokens', async () => {
    const count = await client.messages.countTokens({
      model: 'sim-claude',
      messages: [{ role: 'user', content: 'count me' }],
    });
    expect(count.input_tokens).toBe(promptTokens('count me'));
  });
});
