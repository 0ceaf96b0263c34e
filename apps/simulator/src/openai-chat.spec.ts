import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI from 'openai';
import { startSimulator } from './index.js';
import type { Simulator } from './index.js';

const tokens = (text: string): number => encode(text).length;
/** The documented prompt formula: sum(tokens(message) + 3) + 3. */
const promptTokens = (...messages: string[]): number => messages.reduce((sum, m) => sum + tokens(m) + 3, 3);

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer' },
        metric: { type: 'boolean' },
        hours: { type: 'array', items: { type: 'number' } },
        extra: { type: 'object' },
        note: { type: 'string' },
      },
      required: ['city', 'days', 'metric', 'hours', 'extra'],
    },
  },
};

describe('simulator: OpenAI chat and completions', () => {
  let sim: Simulator;
  let client: OpenAI;

  beforeAll(async () => {
    sim = await startSimulator();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${sim.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('echoes the last user message with honest usage', async () => {
    const res = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hello' },
            { type: 'text', text: 'world!' },
          ],
        },
      ],
      seed: 7,
      user: 'u-1',
    });
    expect(res.id).toMatch(/^chatcmpl-sim-\d+$/);
    expect(res.object).toBe('chat.completion');
    expect(Math.abs(res.created - Date.now() / 1000)).toBeLessThan(5);
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]!.message.content).toBe('echo: Hello world!');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    const expectedPrompt = promptTokens('You are terse.', 'first question', 'first answer', 'Hello world!');
    expect(res.usage).toMatchObject({
      prompt_tokens: expectedPrompt,
      completion_tokens: tokens('echo: Hello world!'),
      total_tokens: expectedPrompt + tokens('echo: Hello world!'),
    });
  });

  it('counts image parts as [image]', async () => {
    const res = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect(res.choices[0]!.message.content).toBe('echo: what is this [image]');
    expect(res.usage!.prompt_tokens).toBe(promptTokens('what is this [image]'));
  });

  it('streams one chunk per word, then finish, usage and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const contents = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content).filter((x) => x != null));
    expect(contents).toEqual(['echo: ', 'one ', 'two ', 'three']);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]!.finish_reason).toBe('stop');
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage!.completion_tokens).toBe(tokens('echo: one two three'));
    expect(usageChunk.usage!.prompt_tokens).toBe(promptTokens('one two three'));
  });

  it('spaces stream chunks by chunkDelayMs', async () => {
    const slow = await startSimulator({ chunkDelayMs: 40 });
    try {
      const c = new OpenAI({ apiKey: 'k', baseURL: `${slow.url}/v1`, maxRetries: 0 });
      const stream = await c.chat.completions.create({
        model: 'sim-gpt',
        messages: [{ role: 'user', content: 'a b' }],
        stream: true,
      });
      const arrivals: number[] = [];
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(Date.now());
      expect(arrivals).toHaveLength(3);
      expect(arrivals[2]! - arrivals[0]!).toBeGreaterThanOrEqual(70);
    } finally {
      await slow.close();
    }
  });

  it('calls the first tool with its required arguments filled, then acknowledges the result', async () => {
    const res = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      tools: [weatherTool, { type: 'function', function: { name: 'other', parameters: { type: 'object' } } }],
    });
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call.id).toBe('call_sim_0');
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({
      city: 'sim',
      days: 1,
      metric: true,
      hours: [],
      extra: {},
    });

    const followUp = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: 'sunny, 21C' },
      ],
      tools: [weatherTool],
    });
    expect(followUp.choices[0]!.message.content).toBe('tool result: sunny, 21C');
    expect(followUp.choices[0]!.finish_reason).toBe('stop');
  });

  it('honours a named tool_choice and tool_choice none', async () => {
    const named = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [{ role: 'user', content: 'x' }],
      tools: [
        weatherTool,
        {
          type: 'function',
          function: {
            name: 'lookup',
            parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
    });
    const call = named.choices[0]!.message.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('lookup');
    expect(JSON.parse(call.function.arguments)).toEqual({ q: 'sim' });

    const none = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [{ role: 'user', content: 'x' }],
      tools: [weatherTool],
      tool_choice: 'none',
    });
    expect(none.choices[0]!.message.content).toBe('echo: x');
  });

  it('streams a tool call with its arguments split over several chunks', async () => {
    const stream = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [weatherTool],
      stream: true,
    });
    const argumentPieces: string[] = [];
    let id: string | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0]!;
      for (const tc of choice.delta.tool_calls ?? []) {
        id ??= tc.id;
        if (tc.function?.arguments) argumentPieces.push(tc.function.arguments);
      }
      finish = choice.finish_reason ?? finish;
    }
    expect(id).toBe('call_sim_0');
    expect(argumentPieces.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(argumentPieces.join(''))).toEqual({
      city: 'sim',
      days: 1,
      metric: true,
      hours: [],
      extra: {},
    });
    expect(finish).toBe('tool_calls');
  });

  it('returns n identical choices and counts them all', async () => {
    const res = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [{ role: 'user', content: 'hi' }],
      n: 3,
    });
    expect(res.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, 'echo: hi'],
      [1, 'echo: hi'],
      [2, 'echo: hi'],
    ]);
    expect(res.usage!.completion_tokens).toBe(3 * tokens('echo: hi'));
  });

  it('cuts at the first stop sequence', async () => {
    const res = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [{ role: 'user', content: 'alpha beta gamma' }],
      stop: ['gamma', ' beta'],
    });
    expect(res.choices[0]!.message.content).toBe('echo: alpha');
    expect(res.choices[0]!.finish_reason).toBe('stop');
  });

  it('truncates to max_tokens with finish_reason length', async () => {
    for (const limit of [{ max_tokens: 2 }, { max_completion_tokens: 2 }]) {
      const res = await client.chat.completions.create({
        model: 'sim-gpt',
        messages: [{ role: 'user', content: 'a fairly long sentence to cut' }],
        ...limit,
      });
      expect(res.choices[0]!.finish_reason).toBe('length');
      expect(res.usage!.completion_tokens).toBe(2);
      expect(tokens(res.choices[0]!.message.content!)).toBe(2);
      expect('echo: a fairly long sentence to cut'.startsWith(res.choices[0]!.message.content!)).toBe(true);
    }
  });

  it('answers JSON in json_object and json_schema modes', async () => {
    const plain = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [{ role: 'user', content: 'say "hi"' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(plain.choices[0]!.message.content!)).toEqual({ echo: 'say "hi"' });
    const schema = await client.chat.completions.create({
      model: 'sim-gpt',
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
    });
    expect(JSON.parse(schema.choices[0]!.message.content!)).toEqual({ echo: 'hi' });
  });

  it('rejects a request without messages in OpenAI error shape', async () => {
    const error = await client.chat.completions
      .create({ model: 'sim-gpt' } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
  });

  it('serves legacy completions, streamed or not', async () => {
    const res = await client.completions.create({ model: 'sim-gpt', prompt: 'once upon' });
    expect(res.object).toBe('text_completion');
    expect(res.choices[0]!.text).toBe('echo: once upon');
    expect(res.usage).toMatchObject({
      prompt_tokens: tokens('once upon'),
      completion_tokens: tokens('echo: once upon'),
    });

    const many = await client.completions.create({ model: 'sim-gpt', prompt: ['a', 'b'], max_tokens: 1 });
    expect(many.choices.map((c) => [c.index, c.text, c.finish_reason])).toEqual([
      [0, 'echo', 'length'],
      [1, 'echo', 'length'],
    ]);

    const stream = await client.completions.create({
      model: 'sim-gpt',
      prompt: 'a time',
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      for (const c of chunk.choices) if (c.text) texts.push(c.text);
      usage = chunk.usage ?? usage;
    }
    expect(texts).toEqual(['echo: ', 'a ', 'time']);
    expect(usage!.completion_tokens).toBe(tokens('echo: a time'));
  });
});
