/** What Switchyard checks of a chat completion request before any upstream call. */

/** `then` applies when the object's `type` (or `role`) is one of `values`. */
const when = (field: string, values: string[], then: object) => ({
  if: { required: [field], properties: { [field]: { enum: values } } },
  then,
});

const contentPart = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['text', 'image_url', 'input_audio', 'file', 'refusal'] },
    text: { type: 'string' },
    refusal: { type: 'string' },
    image_url: {
      type: 'object',
      required: ['url'],
      properties: { url: { type: 'string', minLength: 1 }, detail: { enum: ['auto', 'low', 'high'] } },
    },
    input_audio: {
      type: 'object',
      required: ['data', 'format'],
      properties: { data: { type: 'string' }, format: { type: 'string', minLength: 1 } },
    },
    file: {
      type: 'object',
      properties: {
        file_id: { type: 'string' },
        file_data: { type: 'string' },
        filename: { type: 'string' },
      },
    },
  },
  // Each part type needs its own field, as OpenAI's schema says: a consumer may rely on it.
  allOf: [
    when('type', ['text'], { required: ['text'] }),
    when('type', ['refusal'], { required: ['refusal'] }),
    when('type', ['image_url'], { required: ['image_url'] }),
    when('type', ['input_audio'], { required: ['input_audio'] }),
    when('type', ['file'], { required: ['file'] }),
  ],
};

const functionCall = {
  type: 'object',
  required: ['name', 'arguments'],
  properties: { name: { type: 'string' }, arguments: { type: 'string' } },
};

const toolCall = {
  type: 'object',
  required: ['id', 'type'],
  properties: {
    id: { type: 'string' },
    type: { enum: ['function', 'custom'] },
    function: functionCall,
    custom: {
      type: 'object',
      required: ['name', 'input'],
      properties: { name: { type: 'string' }, input: { type: 'string' } },
    },
  },
  allOf: [
    when('type', ['function'], { required: ['function'] }),
    when('type', ['custom'], { required: ['custom'] }),
  ],
};

/** A signed thinking block sent back (the internal model's `thinking_blocks`). */
const thinkingBlock = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['thinking', 'redacted_thinking'] },
    thinking: { type: 'string' },
    signature: { type: 'string' },
    data: { type: 'string' },
  },
  allOf: [
    when('type', ['thinking'], { required: ['thinking'] }),
    when('type', ['redacted_thinking'], { required: ['data'] }),
  ],
};

/** Anthropic's extended thinking switch (an internal model extension, accepted on every dialect). */
export const THINKING_SCHEMA = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['enabled', 'disabled'] },
    budget_tokens: { type: 'integer', minimum: 1024 },
  },
  allOf: [when('type', ['enabled'], { required: ['budget_tokens'] })],
};

/** A content that must be there: text or parts, never null. */
const requiredContent = {
  required: ['content'],
  properties: { content: { type: ['string', 'array'] } },
};

/**
 * Where OpenAI accepts a null (or missing) content: an assistant message that carries tool calls
 * or a legacy function call, and the legacy `function` role's result. Every other role needs
 * content, and an assistant message needs it when it calls nothing.
 */
const message = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { enum: ['system', 'developer', 'user', 'assistant', 'tool', 'function'] },
    // if/then rather than anyOf, so that a bad part is reported by its own path.
    content: { if: { type: 'array' }, then: { items: contentPart }, else: { type: ['string', 'null'] } },
    name: { type: 'string' },
    tool_call_id: { type: 'string' },
    tool_calls: { type: 'array', items: toolCall },
    function_call: { anyOf: [{ type: 'null' }, functionCall] },
    // The internal model's extensions (libs/providers/src/model/internal-model.ts).
    reasoning_content: { type: ['string', 'null'] },
    thinking_blocks: { type: 'array', items: thinkingBlock },
    is_error: { type: 'boolean' },
  },
  allOf: [
    when('role', ['system', 'developer', 'user', 'tool'], requiredContent),
    {
      if: {
        required: ['role'],
        properties: { role: { const: 'assistant' } },
        not: {
          anyOf: [
            { required: ['tool_calls'], properties: { tool_calls: { type: 'array', minItems: 1 } } },
            { required: ['function_call'], properties: { function_call: { type: 'object' } } },
          ],
        },
      },
      then: requiredContent,
    },
  ],
};

const tool = {
  type: 'object',
  required: ['type', 'function'],
  properties: {
    type: { enum: ['function'] },
    function: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
        description: { type: 'string' },
        parameters: { type: 'object' },
        strict: { anyOf: [{ type: 'null' }, { type: 'boolean' }] },
      },
    },
  },
};

/**
 * A model name on every /v1 endpoint: printable text, since a name a provider takes as is (a
 * local server, the simulator) is stored with the call's usage and ledger entries, where a
 * control character or an unpaired surrogate cannot go.
 */
export const MODEL_NAME_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 256,
  pattern: '^[^\\u0000-\\u001f\\u007f\\ud800-\\udfff]+$',
};
const modelName = MODEL_NAME_SCHEMA;

export const CHAT_SCHEMA = {
  type: 'object',
  required: ['messages'],
  // A message and a tool are each checked by a function of their own: inlined, the request's
  // validator is past the size V8 optimizes (compileValidator). Never beneath an anyOf or oneOf:
  // a referenced function's errors carry paths from its own root, and the validator tells an
  // anyOf's branches apart by their errors' paths.
  $defs: { message, tool },
  anyOf: [{ required: ['model'] }, { required: ['models'] }, { required: ['route'] }],
  properties: {
    model: modelName,
    models: { type: 'array', minItems: 1, maxItems: 10, items: modelName },
    route: modelName,
    stream_failover: { type: 'boolean' },
    messages: { type: 'array', minItems: 1, items: { $ref: '#/$defs/message' } },
    stream: { type: 'boolean' },
    stream_options: {
      anyOf: [{ type: 'null' }, { type: 'object', properties: { include_usage: { type: 'boolean' } } }],
    },
    n: { type: 'integer', minimum: 1, maximum: 128 },
    max_tokens: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 1 }] },
    max_completion_tokens: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 1 }] },
    temperature: { anyOf: [{ type: 'null' }, { type: 'number', minimum: 0, maximum: 2 }] },
    top_p: { anyOf: [{ type: 'null' }, { type: 'number', minimum: 0, maximum: 1 }] },
    presence_penalty: { anyOf: [{ type: 'null' }, { type: 'number', minimum: -2, maximum: 2 }] },
    frequency_penalty: { anyOf: [{ type: 'null' }, { type: 'number', minimum: -2, maximum: 2 }] },
    stop: {
      anyOf: [
        { type: 'null' },
        { type: 'string' },
        { type: 'array', maxItems: 4, items: { type: 'string' } },
      ],
    },
    seed: { anyOf: [{ type: 'null' }, { type: 'integer' }] },
    user: { type: 'string', maxLength: 256 },
    thinking: THINKING_SCHEMA,
    top_k: { type: 'integer', minimum: 0 },
    tools: { type: 'array', maxItems: 128, items: { $ref: '#/$defs/tool' } },
    tool_choice: {
      if: { type: 'string' },
      then: { enum: ['none', 'auto', 'required'] },
      else: {
        type: 'object',
        required: ['type', 'function'],
        properties: {
          type: { enum: ['function'] },
          function: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        },
      },
    },
    response_format: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { enum: ['text', 'json_object', 'json_schema'] },
        json_schema: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string' },
            schema: { type: 'object' },
            strict: { type: ['boolean', 'null'] },
          },
        },
      },
      allOf: [when('type', ['json_schema'], { required: ['json_schema'] })],
    },
    functions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string' },
          description: { type: 'string' },
          parameters: { type: 'object' },
        },
      },
    },
    function_call: {
      if: { type: 'string' },
      then: { enum: ['none', 'auto'] },
      else: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    },
  },
};

export const COMPLETION_SCHEMA = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    model: modelName,
    prompt: {
      anyOf: [
        { type: 'string' },
        { type: 'array', minItems: 1, items: { type: 'string' } },
        { type: 'array', minItems: 1, items: { type: 'integer' } },
        { type: 'array', minItems: 1, items: { type: 'array', items: { type: 'integer' } } },
      ],
    },
    stream: { type: 'boolean' },
    stream_options: { anyOf: [{ type: 'null' }, { type: 'object' }] },
    max_tokens: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 1 }] },
    n: { type: 'integer', minimum: 1, maximum: 128 },
    temperature: { anyOf: [{ type: 'null' }, { type: 'number', minimum: 0, maximum: 2 }] },
    stop: {
      anyOf: [
        { type: 'null' },
        { type: 'string' },
        { type: 'array', maxItems: 4, items: { type: 'string' } },
      ],
    },
  },
};
