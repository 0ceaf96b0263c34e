import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyLedger } from '@switchyard/credits';
import pg from 'pg';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

/**
 * The translation conformance suite (issue 18, docs/translation.md): ONE table of cases, written
 * once in a dialect-neutral form, run through every inbound dialect's official SDK (Chat
 * Completions and Responses with `openai`, Messages with `@anthropic-ai/sdk`) against every wire
 * format of the simulator (OpenAI, Anthropic, Gemini), plain and streamed. Each dialect's answer is
 * reduced to the same {@link Outcome}, so a case states one expectation for all nine pairs.
 */

const FORMATS = {
  openai: 'simulator/sim-gpt',
  anthropic: 'simulator-anthropic/sim-claude',
  gemini: 'simulator-gemini/sim-gemini',
} as const;
type Format = keyof typeof FORMATS;
/** The model that reasons, per format (the OpenAI-format simulator reasons as `sim-reasoner`). */
const REASONERS: Record<Format, string> = { ...FORMATS, openai: 'simulator/sim-reasoner' };
const DIALECTS = ['chat', 'responses', 'messages'] as const;
type Dialect = (typeof DIALECTS)[number];

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const WEATHER = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
} as const;

const ECHO_SCHEMA = {
  type: 'object',
  properties: { echo: { type: 'string' } },
  required: ['echo'],
  additionalProperties: false,
};

/** One turn of a conversation, in no dialect. */
interface Turn {
  role: 'user' | 'assistant';
  text?: string;
  image?: boolean;
  calls?: Array<{ id: string; args: Record<string, unknown> }>;
  results?: Array<{ id: string; output: string }>;
}

/** One case: a conversation and what it asks for, in no dialect. */
interface Case {
  name: string;
  system?: string;
  turns: Turn[];
  tools?: boolean;
  json?: boolean;
  maxTokens?: number;
  stop?: string;
  reasoning?: boolean;
  /** The system prompt carries a cache breakpoint (twice in a row: the second call reads it). */
  cache?: boolean;
  /** Dialects that have no way to say what the case asks (not a refusal: the field does not exist). */
  absentIn?: Dialect[];
  expect: (outcome: Outcome, format: Format) => void;
}

/** What any dialect's answer says, reduced to one shape. */
interface Outcome {
  text: string;
  reasoning: string;
  calls: Array<{ name: string; args: unknown }>;
  stop: 'end' | 'length' | 'tool' | 'stop_sequence';
  usage: { input: number; output: number; cached: number };
}

const CASES: Case[] = [
  {
    name: 'text',
    turns: [{ role: 'user', text: 'hello world' }],
    expect: (o) => {
      expect(o.text).toBe('echo: hello world');
      expect(o.stop).toBe('end');
      expect(o.usage.input).toBeGreaterThan(0);
      expect(o.usage.output).toBeGreaterThan(0);
    },
  },
  {
    name: 'system prompt',
    system: 'You answer briefly.',
    turns: [{ role: 'user', text: 'hi there' }],
    expect: (o) => expect(o.text).toBe('echo: hi there'),
  },
  {
    name: 'multi-turn',
    turns: [
      { role: 'user', text: 'first' },
      { role: 'assistant', text: 'echo: first' },
      { role: 'user', text: 'second' },
    ],
    expect: (o) => expect(o.text).toBe('echo: second'),
  },
  {
    name: 'image',
    turns: [{ role: 'user', text: 'what is this', image: true }],
    expect: (o) => expect(o.text).toBe('echo: what is this [image]'),
  },
  {
    name: 'tool call',
    tools: true,
    turns: [{ role: 'user', text: 'weather in Paris?' }],
    expect: (o) => {
      expect(o.calls).toEqual([{ name: 'get_weather', args: { city: 'sim' } }]);
      expect(o.stop).toBe('tool');
    },
  },
  {
    name: 'tool result',
    tools: true,
    turns: [
      { role: 'user', text: 'weather in Paris?' },
      { role: 'assistant', calls: [{ id: 'call_1', args: { city: 'Paris' } }] },
      { role: 'user', results: [{ id: 'call_1', output: 'sunny' }] },
    ],
    expect: (o) => {
      expect(o.text).toMatch(/^tool result: /);
      expect(o.text).toContain('sunny');
      expect(o.calls).toEqual([]);
    },
  },
  {
    name: 'parallel tool calls and their results',
    tools: true,
    turns: [
      { role: 'user', text: 'weather in Paris and Rome?' },
      {
        role: 'assistant',
        calls: [
          { id: 'call_1', args: { city: 'Paris' } },
          { id: 'call_2', args: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        results: [
          { id: 'call_1', output: 'sunny' },
          { id: 'call_2', output: 'rainy' },
        ],
      },
    ],
    expect: (o) => {
      expect(o.text).toContain('sunny');
      expect(o.text).toContain('rainy');
    },
  },
  {
    name: 'JSON schema output',
    json: true,
    absentIn: ['messages'],
    turns: [{ role: 'user', text: 'ping' }],
    // The JSON the schema asks for (Anthropic answers through a forced tool, which the simulator
    // fills with schema placeholders; the others echo).
    expect: (o, format) =>
      expect(JSON.parse(o.text)).toEqual({ echo: format === 'anthropic' ? 'sim' : 'ping' }),
  },
  {
    name: 'stop: max tokens',
    maxTokens: 2,
    turns: [{ role: 'user', text: 'one two three four five six seven' }],
    expect: (o) => {
      expect(o.stop).toBe('length');
      expect(o.usage.output).toBeLessThanOrEqual(2);
      expect('echo: one two three four five six seven'.startsWith(o.text)).toBe(true);
    },
  },
  {
    name: 'stop sequence',
    stop: 'three',
    absentIn: ['responses'],
    turns: [{ role: 'user', text: 'one two three four' }],
    expect: (o, format) => {
      expect(o.text).toBe('echo: one two ');
      // Only Anthropic says which sequence matched; the others report an ordinary end.
      expect(o.stop).toBe(format === 'anthropic' ? 'stop_sequence' : 'end');
    },
  },
  {
    name: 'reasoning',
    reasoning: true,
    turns: [{ role: 'user', text: 'think about it' }],
    expect: (o) => {
      expect(o.reasoning.length).toBeGreaterThan(0);
      expect(o.text).toBe('echo: think about it');
    },
  },
  {
    name: 'usage with cached tokens',
    cache: true,
    system: 'A long and stable system prompt that is worth caching for every later call of this case.',
    turns: [{ role: 'user', text: 'cached?' }],
    expect: (o, format) => {
      expect(o.text).toBe('echo: cached?');
      // The simulator caches as Anthropic does; the other formats report no cache.
      if (format === 'anthropic') expect(o.usage.cached).toBeGreaterThan(0);
      else expect(o.usage.cached).toBe(0);
    },
  },
];

// ---------------------------------------------------------------- Chat Completions
function chatBody(c: Case, model: string): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  const messages: Array<Record<string, unknown>> = [];
  if (c.system) {
    messages.push(
      c.cache
        ? {
            role: 'system',
            content: [{ type: 'text', text: c.system, cache_control: { type: 'ephemeral' } }],
          }
        : { role: 'system', content: c.system },
    );
  }
  for (const turn of c.turns) {
    if (turn.results) {
      for (const r of turn.results) messages.push({ role: 'tool', tool_call_id: r.id, content: r.output });
    } else if (turn.calls) {
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: turn.calls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: WEATHER.name, arguments: JSON.stringify(call.args) },
        })),
      });
    } else if (turn.image) {
      messages.push({
        role: turn.role,
        content: [
          { type: 'text', text: turn.text },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
        ],
      });
    } else messages.push({ role: turn.role, content: turn.text });
  }
  return {
    model,
    messages,
    ...(c.tools ? { tools: [{ type: 'function', function: WEATHER }] } : {}),
    ...(c.json
      ? {
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'echo',
              schema: ECHO_SCHEMA,
            },
          },
        }
      : {}),
    ...(c.maxTokens ? { max_tokens: c.maxTokens } : {}),
    ...(c.stop ? { stop: [c.stop] } : {}),
    ...(c.reasoning ? { reasoning_effort: 'low' } : {}),
  } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
}

const CHAT_STOP: Record<string, Outcome['stop']> = { stop: 'end', length: 'length', tool_calls: 'tool' };

async function viaChat(client: OpenAI, c: Case, model: string, stream: boolean): Promise<Outcome> {
  const body = chatBody(c, model);
  if (!stream) {
    const answer = await client.chat.completions.create({ ...body, stream: false });
    const message = answer.choices[0]!.message as (typeof answer.choices)[0]['message'] & {
      reasoning_content?: string;
    };
    const finish = answer.choices[0]!.finish_reason as string & { stop_sequence?: string };
    const stopSequence = (answer.choices[0] as { stop_sequence?: string | null }).stop_sequence;
    return {
      text: message.content ?? '',
      reasoning: message.reasoning_content ?? '',
      calls: (message.tool_calls ?? []).map((t) => ({
        name: (t as { function: { name: string } }).function.name,
        args: JSON.parse((t as { function: { arguments: string } }).function.arguments),
      })),
      stop: stopSequence ? 'stop_sequence' : CHAT_STOP[finish]!,
      usage: {
        input: answer.usage!.prompt_tokens,
        output: answer.usage!.completion_tokens,
        cached: answer.usage!.prompt_tokens_details?.cached_tokens ?? 0,
      },
    };
  }
  const chunks = await client.chat.completions.create({
    ...body,
    stream: true,
    stream_options: { include_usage: true },
  });
  const out: Outcome = {
    text: '',
    reasoning: '',
    calls: [],
    stop: 'end',
    usage: { input: 0, output: 0, cached: 0 },
  };
  const args: string[] = [];
  let stopSequence = false;
  for await (const chunk of chunks) {
    for (const choice of chunk.choices) {
      const delta = choice.delta as typeof choice.delta & { reasoning_content?: string };
      out.text += delta.content ?? '';
      out.reasoning += delta.reasoning_content ?? '';
      for (const call of delta.tool_calls ?? []) {
        if (call.function?.name) out.calls[call.index] = { name: call.function.name, args: undefined };
        args[call.index] = (args[call.index] ?? '') + (call.function?.arguments ?? '');
      }
      if ((choice as { stop_sequence?: string | null }).stop_sequence) stopSequence = true;
      if (choice.finish_reason) out.stop = CHAT_STOP[choice.finish_reason]!;
    }
    if (chunk.usage) {
      out.usage = {
        input: chunk.usage.prompt_tokens,
        output: chunk.usage.completion_tokens,
        cached: chunk.usage.prompt_tokens_details?.cached_tokens ?? 0,
      };
    }
  }
  out.calls.forEach((call, i) => (call.args = JSON.parse(args[i] ?? '{}')));
  if (stopSequence) out.stop = 'stop_sequence';
  return out;
}

// ---------------------------------------------------------------- Responses
function responsesBody(c: Case, model: string): OpenAI.Responses.ResponseCreateParamsNonStreaming {
  const input: Array<Record<string, unknown>> = [];
  for (const turn of c.turns) {
    if (turn.results) {
      for (const r of turn.results)
        input.push({ type: 'function_call_output', call_id: r.id, output: r.output });
    } else if (turn.calls) {
      for (const call of turn.calls) {
        input.push({
          type: 'function_call',
          call_id: call.id,
          name: WEATHER.name,
          arguments: JSON.stringify(call.args),
        });
      }
    } else if (turn.role === 'assistant') {
      input.push({ role: 'assistant', content: [{ type: 'output_text', text: turn.text }] });
    } else {
      input.push({
        role: 'user',
        content: [
          { type: 'input_text', text: turn.text },
          ...(turn.image
            ? [{ type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' }]
            : []),
        ],
      });
    }
  }
  if (c.system && c.cache) {
    // The cache breakpoint rides on a system message's part (the internal model's cache_control).
    input.unshift({
      role: 'system',
      content: [{ type: 'input_text', text: c.system, cache_control: { type: 'ephemeral' } }],
    });
  }
  return {
    model,
    input,
    store: false,
    ...(c.system && !c.cache ? { instructions: c.system } : {}),
    ...(c.tools ? { tools: [{ type: 'function', strict: false, ...WEATHER }] } : {}),
    ...(c.json
      ? {
          text: {
            format: {
              type: 'json_schema',
              name: 'echo',
              schema: ECHO_SCHEMA,
            },
          },
        }
      : {}),
    ...(c.maxTokens ? { max_output_tokens: c.maxTokens } : {}),
    ...(c.reasoning ? { reasoning: { effort: 'low' } } : {}),
  } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming;
}

function fromResponse(response: OpenAI.Responses.Response): Outcome {
  const out: Outcome = {
    text: '',
    reasoning: '',
    calls: [],
    stop: 'end',
    usage: { input: 0, output: 0, cached: 0 },
  };
  for (const item of response.output) {
    if (item.type === 'message') {
      for (const part of item.content) if (part.type === 'output_text') out.text += part.text;
    } else if (item.type === 'function_call') {
      out.calls.push({ name: item.name, args: JSON.parse(item.arguments) });
    } else if (item.type === 'reasoning') {
      out.reasoning +=
        (item.content ?? []).map((p) => p.text).join('') + item.summary.map((p) => p.text).join('');
    }
  }
  if (response.status === 'incomplete' && response.incomplete_details?.reason === 'max_output_tokens')
    out.stop = 'length';
  else if (out.calls.length > 0) out.stop = 'tool';
  out.usage = {
    input: response.usage!.input_tokens,
    output: response.usage!.output_tokens,
    cached: response.usage!.input_tokens_details?.cached_tokens ?? 0,
  };
  return out;
}

async function viaResponses(client: OpenAI, c: Case, model: string, stream: boolean): Promise<Outcome> {
  const body = responsesBody(c, model);
  if (!stream) return fromResponse(await client.responses.create({ ...body, stream: false }));
  const events = client.responses.stream({ ...body, stream: true });
  let deltas = '';
  events.on('response.output_text.delta', (e) => (deltas += e.delta));
  const final = await events.finalResponse();
  const out = fromResponse(final);
  // The streamed deltas add up to the final text.
  expect(deltas).toBe(out.text);
  return out;
}

// ---------------------------------------------------------------- Messages
function messagesBody(c: Case, model: string): Anthropic.MessageCreateParamsNonStreaming {
  const messages: Anthropic.MessageParam[] = [];
  for (const turn of c.turns) {
    if (turn.results) {
      messages.push({
        role: 'user',
        content: turn.results.map((r) => ({
          type: 'tool_result' as const,
          tool_use_id: r.id,
          content: r.output,
        })),
      });
    } else if (turn.calls) {
      messages.push({
        role: 'assistant',
        content: turn.calls.map((call) => ({
          type: 'tool_use' as const,
          id: call.id,
          name: WEATHER.name,
          input: call.args,
        })),
      });
    } else if (turn.image) {
      messages.push({
        role: 'user',
        content: [
          { type: 'text', text: turn.text! },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
        ],
      });
    } else messages.push({ role: turn.role, content: turn.text! });
  }
  return {
    model,
    messages,
    max_tokens: c.maxTokens ?? (c.reasoning ? 4096 : 1024),
    ...(c.system
      ? {
          system: c.cache
            ? [{ type: 'text' as const, text: c.system, cache_control: { type: 'ephemeral' as const } }]
            : c.system,
        }
      : {}),
    ...(c.tools
      ? {
          tools: [{ name: WEATHER.name, description: WEATHER.description, input_schema: WEATHER.parameters }],
        }
      : {}),
    ...(c.stop ? { stop_sequences: [c.stop] } : {}),
    ...(c.reasoning ? { thinking: { type: 'enabled' as const, budget_tokens: 2048 } } : {}),
  } as Anthropic.MessageCreateParamsNonStreaming;
}

const MESSAGES_STOP: Record<string, Outcome['stop']> = {
  end_turn: 'end',
  max_tokens: 'length',
  tool_use: 'tool',
  stop_sequence: 'stop_sequence',
};

function fromMessage(message: Anthropic.Message): Outcome {
  const out: Outcome = {
    text: '',
    reasoning: '',
    calls: [],
    stop: 'end',
    usage: { input: 0, output: 0, cached: 0 },
  };
  for (const block of message.content) {
    if (block.type === 'text') out.text += block.text;
    else if (block.type === 'thinking') out.reasoning += block.thinking;
    else if (block.type === 'tool_use') out.calls.push({ name: block.name, args: block.input });
  }
  out.stop = MESSAGES_STOP[message.stop_reason!]!;
  out.usage = {
    input: message.usage.input_tokens,
    output: message.usage.output_tokens,
    cached: message.usage.cache_read_input_tokens ?? 0,
  };
  return out;
}

async function viaMessages(client: Anthropic, c: Case, model: string, stream: boolean): Promise<Outcome> {
  const body = messagesBody(c, model);
  if (!stream) return fromMessage(await client.messages.create(body));
  return fromMessage(await client.messages.stream(body).finalMessage());
}

describe('translation conformance: one table of cases, every dialect, every wire format', () => {
  let t: LlmGateway;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    t = await startLlmGateway({ env: { SIGNUP_CREDITS: '0' } });
    await request(t.gw.url)
      .post('/api/v1/credits/grants')
      .auth(t.adminToken, { type: 'bearer' })
      .set('idempotency-key', randomUUID())
      .send({ user_id: t.member.id, amount: '1000', reason: 'conformance' })
      .expect(201);
    openai = t.client;
    anthropic = new Anthropic({ baseURL: t.gw.url, apiKey: t.key, maxRetries: 0, timeout: 20_000 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const run = (dialect: Dialect, c: Case, model: string, stream: boolean): Promise<Outcome> =>
    dialect === 'chat'
      ? viaChat(openai, c, model, stream)
      : dialect === 'responses'
        ? viaResponses(openai, c, model, stream)
        : viaMessages(anthropic, c, model, stream);

  for (const c of CASES) {
    describe(c.name, () => {
      for (const dialect of DIALECTS) {
        if (c.absentIn?.includes(dialect)) continue;
        for (const format of Object.keys(FORMATS) as Format[]) {
          it(`${dialect} -> ${format}, plain and streamed`, async () => {
            const model = c.reasoning ? REASONERS[format] : FORMATS[format];
            // A cache case calls once to write its breakpoint; the next calls read it.
            if (c.cache) await run(dialect, c, model, false);
            c.expect(await run(dialect, c, model, false), format);
            c.expect(await run(dialect, c, model, true), format);
          });
        }
      }
    });
  }

  it('after the whole table, every account balances: balance == sum(ledger entries), nothing left reserved', async () => {
    const db = new pg.Client({ connectionString: t.gw.databaseUrl });
    await db.connect();
    try {
      const report = await verifyLedger((sql, params) => db.query(sql, params).then((r) => r.rows));
      expect(report.ok).toBe(true);
    } finally {
      await db.end();
    }
  });

  /** Each error class, in each dialect's own error shape, for each format. */
  describe('errors', () => {
    const status = async (dialect: Dialect, body: Case, model: string, stream = false): Promise<number> => {
      try {
        await run(dialect, body, model, stream);
      } catch (err) {
        if (err instanceof OpenAI.APIError || err instanceof Anthropic.APIError) return err.status ?? -1;
        throw err;
      }
      return 200;
    };
    const hello: Case = { name: 'hello', turns: [{ role: 'user', text: 'hello' }], expect: () => undefined };

    for (const dialect of DIALECTS) {
      for (const format of Object.keys(FORMATS) as Format[]) {
        it(`${dialect} -> ${format}: unknown model, bad input, upstream 429 and 503, a stream cut`, async () => {
          const seen = {
            unknownModel: await status(dialect, hello, `no-such-provider/${format}`),
            badInput: await status(dialect, { ...hello, maxTokens: -5 }, FORMATS[format]),
            upstream429: await status(dialect, hello, `${FORMATS[format]}-fault-429`),
            upstream503: await status(dialect, hello, `${FORMATS[format]}-fault-503`),
          };
          // The same class in every dialect: an upstream 429 that leaves no key to try is the
          // gateway's 503 (every key cooling, Retry-After set); Messages says 529 overloaded_error.
          const unavailable = dialect === 'messages' ? 529 : 503;
          expect(seen).toEqual({
            unknownModel: 404,
            badInput: 400,
            upstream429: unavailable,
            upstream503: unavailable,
          });
          // A stream that breaks after its first words ends with an error the SDK raises.
          await expect(run(dialect, hello, `${FORMATS[format]}-drop-2`, true)).rejects.toThrow();
        });
      }
    }
  });
});
