/**
 * What Switchyard checks of an Anthropic Messages request before it is mapped: Anthropic's own
 * rules (max_tokens required, temperature 0..1, thinking budget at least 1,024), and only the
 * fields and block types the translation carries faithfully. Anything else is a 400 naming it
 * (docs/translation.md lists them), never a silent drop.
 */
import { MODEL_NAME_SCHEMA } from '@switchyard/chat';

/**
 * A part checked by a function of its own (one of `$defs` below): inlined, the request's validator
 * is past the size V8 optimizes (compileValidator in @switchyard/chat). Never beneath an anyOf or
 * oneOf: a referenced function's errors carry paths from its own root, and the validator tells an
 * anyOf's branches apart by their errors' paths.
 */
const ref = (name: 'message' | 'contentBlock' | 'textBlock' | 'documentSource'): { $ref: string } => ({
  $ref: `#/$defs/${name}`,
});

/** `then` applies when the object's `type` is one of `values`. */
const when = (values: string[], then: object) => ({
  if: { required: ['type'], properties: { type: { enum: values } } },
  then,
});

const cacheControl = {
  type: ['object', 'null'],
  required: ['type'],
  additionalProperties: false,
  properties: { type: { enum: ['ephemeral'] }, ttl: { enum: ['5m', '1h'] } },
};

/** Citations a client echoes back on a text block: accepted only when there are none. */
const noCitations = { anyOf: [{ type: 'null' }, { type: 'array', maxItems: 0 }] };

const textBlock = {
  type: 'object',
  required: ['type', 'text'],
  additionalProperties: false,
  properties: {
    type: { const: 'text' },
    text: { type: 'string' },
    cache_control: cacheControl,
    citations: noCitations,
  },
};

const imageSource = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['base64', 'url'] },
    media_type: { enum: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] },
    data: { type: 'string', minLength: 1 },
    url: { type: 'string', minLength: 1 },
  },
  allOf: [when(['base64'], { required: ['media_type', 'data'] }), when(['url'], { required: ['url'] })],
};

const documentSource = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['base64', 'text', 'content'] },
    media_type: { type: 'string' },
    data: { type: 'string' },
    content: { type: ['string', 'array'], items: ref('textBlock') },
  },
  allOf: [
    when(['base64'], {
      required: ['media_type', 'data'],
      properties: { media_type: { const: 'application/pdf' } },
    }),
    when(['text'], { required: ['media_type', 'data'], properties: { media_type: { const: 'text/plain' } } }),
    when(['content'], { required: ['content'] }),
  ],
};

const toolResultContent = {
  if: { type: 'array' },
  then: { items: ref('textBlock') },
  else: { type: 'string' },
};

/** Every content block type a request may carry; the role rules are checked by the mapper. */
const contentBlock = {
  type: 'object',
  required: ['type'],
  properties: {
    type: {
      enum: ['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'],
    },
  },
  allOf: [
    when(['text'], ref('textBlock')),
    when(['image'], {
      required: ['source'],
      additionalProperties: false,
      properties: { type: {}, source: imageSource, cache_control: cacheControl },
    }),
    when(['document'], {
      required: ['source'],
      additionalProperties: false,
      properties: {
        type: {},
        source: ref('documentSource'),
        title: { type: ['string', 'null'] },
        cache_control: cacheControl,
        citations: {
          anyOf: [{ type: 'null' }, { type: 'object', properties: { enabled: { const: false } } }],
        },
      },
    }),
    when(['tool_use'], {
      required: ['id', 'name', 'input'],
      additionalProperties: false,
      properties: {
        type: {},
        id: { type: 'string', minLength: 1 },
        name: { type: 'string', minLength: 1 },
        input: { type: 'object' },
        cache_control: cacheControl,
      },
    }),
    when(['tool_result'], {
      required: ['tool_use_id'],
      additionalProperties: false,
      properties: {
        type: {},
        tool_use_id: { type: 'string', minLength: 1 },
        content: toolResultContent,
        is_error: { type: 'boolean' },
        cache_control: cacheControl,
      },
    }),
    when(['thinking'], {
      required: ['thinking', 'signature'],
      additionalProperties: false,
      properties: { type: {}, thinking: { type: 'string' }, signature: { type: 'string' } },
    }),
    when(['redacted_thinking'], {
      required: ['data'],
      additionalProperties: false,
      properties: { type: {}, data: { type: 'string' } },
    }),
  ],
};

const message = {
  type: 'object',
  required: ['role', 'content'],
  additionalProperties: false,
  properties: {
    role: { enum: ['user', 'assistant'] },
    content: {
      if: { type: 'array' },
      then: { items: ref('contentBlock') },
      else: { type: 'string' },
    },
  },
};

const tool = {
  type: 'object',
  required: ['name', 'input_schema'],
  properties: {
    // Server tools (web search, bash, code execution...) have a type of their own.
    type: { enum: ['custom'] },
    name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
    description: { type: 'string' },
    input_schema: { type: 'object', properties: { type: { const: 'object' } } },
    cache_control: cacheControl,
  },
  additionalProperties: false,
};

const toolChoice = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['auto', 'any', 'tool', 'none'] },
    name: { type: 'string' },
    disable_parallel_tool_use: { type: 'boolean' },
  },
  additionalProperties: false,
  allOf: [when(['tool'], { required: ['name'] })],
};

const thinking = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { enum: ['enabled', 'disabled'] },
    budget_tokens: { type: 'integer', minimum: 1024 },
  },
  allOf: [when(['enabled'], { required: ['budget_tokens'] })],
};

/** The fields both /v1/messages and /v1/messages/count_tokens take. */
const promptProperties = {
  model: MODEL_NAME_SCHEMA,
  messages: { type: 'array', minItems: 1, items: ref('message') },
  system: { if: { type: 'array' }, then: { items: ref('textBlock') }, else: { type: 'string' } },
  tools: { type: 'array', maxItems: 128, items: tool },
  tool_choice: toolChoice,
  thinking,
};

const $defs: Record<Parameters<typeof ref>[0], object> = { message, contentBlock, textBlock, documentSource };

export const MESSAGES_SCHEMA = {
  type: 'object',
  required: ['model', 'messages', 'max_tokens'],
  additionalProperties: false,
  $defs,
  properties: {
    ...promptProperties,
    max_tokens: { type: 'integer', minimum: 1 },
    stop_sequences: { type: 'array', maxItems: 4, items: { type: 'string', minLength: 1 } },
    stream: { type: 'boolean' },
    temperature: { type: 'number', minimum: 0, maximum: 1 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    top_k: { type: 'integer', minimum: 0 },
    metadata: {
      type: 'object',
      additionalProperties: false,
      properties: { user_id: { type: ['string', 'null'], maxLength: 256 } },
    },
    // A scheduling hint with no effect on the answer; accepted and not forwarded.
    service_tier: { enum: ['auto', 'standard_only'] },
  },
};

export const COUNT_TOKENS_SCHEMA = {
  type: 'object',
  required: ['model', 'messages'],
  additionalProperties: false,
  $defs,
  properties: promptProperties,
};
