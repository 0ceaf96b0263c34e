import { describe, expect, it } from '@jest/globals';
import { CHAT_SCHEMA, COMPLETION_SCHEMA } from '@switchyard/chat/chat.schema.js';
import { compileValidator, generatedSources } from '@switchyard/chat/request-validation.js';
import { InvalidRequestError } from '@switchyard/core';
import { COUNT_TOKENS_SCHEMA, MESSAGES_SCHEMA } from '@switchyard/messages/messages.schema.js';
import { RESPONSES_SCHEMA } from '@switchyard/responses/responses.schema.js';

/**
 * V8 does not optimize a function past 60 KB of bytecode (`--max-optimized-bytecode-size`), and a
 * request validator that ran in the interpreter cost every call about six times its optimized
 * time. ajv's generated code has come to 0.57-0.71 bytes of bytecode per character of source (the
 * chat schema's 124,648 characters were 76,340 bytes, the Messages schema's 149,600 were
 * 106,823), so 64,000 characters keep a function at or below ~45 KB with room to spare.
 */
const MAX_SOURCE = 64_000;

/** Each schema, and the functions ajv makes of it: its own and one per `$defs` entry. */
const SCHEMAS: [string, object, number][] = [
  ['chat completions', CHAT_SCHEMA, 3],
  ['completions', COMPLETION_SCHEMA, 1],
  ['messages', MESSAGES_SCHEMA, 5],
  ['count tokens', COUNT_TOKENS_SCHEMA, 5],
  ['responses', RESPONSES_SCHEMA, 2],
];

/** Every `$ref` beneath an `anyOf` or `oneOf` of `schema` (its `$defs` included), by path. */
function refsUnderBranches(schema: object): string[] {
  const found: string[] = [];
  const walk = (node: unknown, path: string, underBranch: boolean): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}/${i}`, underBranch));
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && underBranch) found.push(path);
      walk(value, `${path}/${key}`, underBranch || key === 'anyOf' || key === 'oneOf');
    }
  };
  walk(schema, '#', false);
  return found;
}

/** The schema with every `$ref` replaced by what it names: one function, as before the split. */
function inlined(schema: object): object {
  const defs = (schema as { $defs?: Record<string, object> }).$defs ?? {};
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const ref = (node as { $ref?: string }).$ref;
    if (ref) return walk(defs[ref.replace('#/$defs/', '')]);
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key]) => key !== '$defs')
        .map(([key, value]) => [key, walk(value)]),
    );
  };
  return walk(schema) as object;
}

/** Accepted, or the message and param of the 400. */
function outcome(validate: (body: unknown) => unknown, body: unknown): string {
  try {
    validate(body);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof InvalidRequestError)) throw error;
    return `${error.param ?? ''} | ${error.message}`;
  }
}

const REPLACEMENTS: unknown[] = [5, -3, 1.5, null, '', 'x', true, [], [{}], {}, { type: 'x' }];

/** The body with one value replaced, one key dropped or one unknown key added, at every place. */
function* mutations(body: unknown): Generator<unknown> {
  const at = (
    path: (string | number)[],
    change: (parent: Record<string | number, unknown>, key: string | number) => void,
  ) => {
    const copy = structuredClone(body) as Record<string | number, unknown>;
    let parent = copy;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    change(parent, path.at(-1)!);
    return copy;
  };
  const paths: (string | number)[][] = [];
  const collect = (node: unknown, path: (string | number)[]) => {
    if (path.length) paths.push(path);
    if (Array.isArray(node)) node.forEach((item, i) => collect(item, [...path, i]));
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) collect(v, [...path, k]);
  };
  collect(body, []);
  for (const path of paths) {
    for (const value of REPLACEMENTS) yield at(path, (parent, key) => (parent[key] = value));
    if (typeof path.at(-1) === 'string') yield at(path, (parent, key) => delete parent[key]);
    const node = at(path, () => undefined);
    let target: unknown = node;
    for (const key of path) target = (target as Record<string | number, unknown>)[key];
    if (target && typeof target === 'object' && !Array.isArray(target)) {
      yield at(path, (parent, key) => ((parent[key] as Record<string, unknown>).unknown_field = 1));
    }
  }
}

const text = (t: string) => ({ type: 'text', text: t, cache_control: { type: 'ephemeral' } });

const BODIES: [string, object, object, RegExp[]][] = [
  [
    'chat completions',
    CHAT_SCHEMA,
    {
      model: 'simulator/sim-gpt',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
            { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
            { type: 'file', file: { file_id: 'f1' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          thinking_blocks: [{ type: 'thinking', thinking: 'hm', signature: 's' }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'done' },
        { role: 'assistant', function_call: { name: 'f', arguments: '{}' } },
      ],
      tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: {}, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_schema', json_schema: { name: 'n', schema: {}, strict: null } },
      stream_options: { include_usage: true },
      max_tokens: 16,
      temperature: 0.5,
      stop: ['a', 'b'],
      thinking: { type: 'enabled', budget_tokens: 2048 },
    },
    // A message; a tool.
    [/^messages\[\d+\]\.content\[\d+\]\./, /^tools\[0\]\.function\./],
  ],
  [
    'messages',
    MESSAGES_SCHEMA,
    {
      model: 'simulator/sim-claude',
      max_tokens: 64,
      system: [{ ...text('be brief'), citations: [] }],
      messages: [
        {
          role: 'user',
          content: [
            text('look'),
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            {
              type: 'document',
              source: { type: 'content', content: [text('page')] },
              title: 't',
              citations: null,
            },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hi' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hm', signature: 's' },
            { type: 'tool_use', id: 't1', name: 'f', input: {} },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', content: [text('done')], is_error: false }],
        },
      ],
      tools: [{ name: 'f', description: 'd', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'f' },
      thinking: { type: 'enabled', budget_tokens: 2048 },
      metadata: { user_id: 'u' },
      stop_sequences: ['x'],
    },
    // A message, a content block, a text block (and its citations' anyOf), a document source.
    [
      /^messages\[\d+\]\.role$/,
      /^messages\[\d+\]\.content\[\d+\]\.source\.data$/,
      /^system\[0\]\.citations$/,
      /^messages\[\d+\]\.content\[\d+\]\.source\.content\[0\]\.text$/,
    ],
  ],
  [
    'count tokens',
    COUNT_TOKENS_SCHEMA,
    {
      model: 'simulator/sim-claude',
      system: [{ type: 'text', text: 'be brief', citations: [] }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look', citations: null },
            { type: 'redacted_thinking', data: 'abc' },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } },
            { type: 'tool_result', tool_use_id: 't1', content: 'done' },
          ],
        },
      ],
    },
    [
      /^messages\[0\]\.content\[1\]\.data$/,
      /^messages\[0\]\.content\[3\]\.source\.media_type$/,
      /^system\[0\]\.citations$/,
      /^messages\[0\]\.content\[0\]\.citations$/,
    ],
  ],
  [
    'responses',
    RESPONSES_SCHEMA,
    {
      model: 'simulator/sim-gpt',
      input: 'hello',
      instructions: 'be brief',
      text: {
        format: { type: 'json_schema', name: 'n', schema: {}, description: 'd', strict: true },
        verbosity: 'low',
      },
      reasoning: { effort: 'low', summary: 'auto' },
      metadata: { a: 'b' },
      max_output_tokens: 16,
    },
    // The answer's format (its nullable anyOf inside the reference).
    [/^text$/, /^text\.format\.name$/],
  ],
];

describe('the /v1 request validators', () => {
  it.each(SCHEMAS)(
    '%s: every generated function is small enough for V8 to optimize',
    (_name, schema, functions) => {
      const sizes = generatedSources(schema).map((source) => source.length);
      // A function per `$defs` entry: with refs inlined there would be one.
      expect(sizes).toHaveLength(functions);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_SOURCE);
    },
  );

  it.each(SCHEMAS)('%s: no $ref beneath an anyOf or oneOf', (_name, schema) => {
    // A referenced function's errors carry schema paths from its own root, and the validator
    // tells an anyOf's branches apart by their errors' paths (branchError).
    expect(refsUnderBranches(schema)).toEqual([]);
  });

  it('the rule above sees a $ref deep inside a branch', () => {
    const schema = {
      $defs: { n: { type: 'integer' } },
      properties: { xs: { anyOf: [{ type: 'null' }, { type: 'array', items: { $ref: '#/$defs/n' } }] } },
    };
    expect(refsUnderBranches(schema)).toEqual(['#/properties/xs/anyOf/1/items']);
  });

  it.each(BODIES)(
    '%s: answers every changed body as the schema inlined whole would, word for word',
    (_name, schema, body, reached) => {
      const split = compileValidator(schema);
      const whole = compileValidator(inlined(schema));
      expect(outcome(split, body)).toBe('accepted');
      const params = new Set<string>();
      for (const changed of mutations(body)) {
        const answer = outcome(split, changed);
        expect(answer).toBe(outcome(whole, changed));
        if (answer !== 'accepted') params.add(answer.slice(0, answer.indexOf(' | ')));
      }
      // The changes reach into every part that has a function of its own.
      for (const param of reached) expect([...params].some((p) => param.test(p))).toBe(true);
    },
  );
});
