/** What Switchyard checks of a chat completion request before any upstream call. */
const contentPart = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['text', 'image_url', 'input_audio', 'file', 'refusal'] },
    text: { type: 'string' },
    image_url: {
      type: 'object',
      required: ['url'],
      properties: { url: { type: 'string', minLength: 1 }, detail: { enum: ['auto', 'low', 'high'] } },
    },
  },
};

const message = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { enum: ['system', 'developer', 'user', 'assistant', 'tool', 'function'] },
    content: { anyOf: [{ type: 'string' }, { type: 'null' }, { type: 'array', items: contentPart }] },
    name: { type: 'string' },
    tool_call_id: { type: 'string' },
    tool_calls: { type: 'array', items: { type: 'object', required: ['id', 'type', 'function'] } },
  },
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
        parameters: { type: 'object' },
      },
    },
  },
};

const modelName = { type: 'string', minLength: 1, maxLength: 256 };

export const CHAT_SCHEMA = {
  type: 'object',
  required: ['messages'],
  anyOf: [{ required: ['model'] }, { required: ['models'] }],
  properties: {
    model: modelName,
    models: { type: 'array', minItems: 1, maxItems: 10, items: modelName },
    messages: { type: 'array', minItems: 1, items: message },
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
    tools: { type: 'array', maxItems: 128, items: tool },
    tool_choice: {
      anyOf: [
        { enum: ['none', 'auto', 'required'] },
        { type: 'object', required: ['type', 'function'], properties: { type: { enum: ['function'] } } },
      ],
    },
    response_format: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['text', 'json_object', 'json_schema'] } },
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
