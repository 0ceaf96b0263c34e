/** What Switchyard checks of a `POST /v1/responses` body before anything else (items are checked by the mapper). */
import { MODEL_NAME_SCHEMA } from '@switchyard/chat';

const nullable = (schema: object) => ({ anyOf: [{ type: 'null' }, schema] });

/**
 * The answer's format, checked by a function of its own so that the request's stays small enough
 * for V8 to optimize. Nullable inside the `$ref`: a `$ref` beneath an anyOf would give errors whose
 * paths start at the referenced function's own root, and the validator could not tell the branch
 * meant.
 */
const text = nullable({
  type: 'object',
  additionalProperties: false,
  properties: {
    format: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { enum: ['text', 'json_object', 'json_schema'] },
        name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
        schema: { type: 'object' },
        description: { type: 'string' },
        strict: nullable({ type: 'boolean' }),
      },
    },
    verbosity: nullable({ enum: ['low', 'medium', 'high'] }),
  },
});

export const RESPONSES_SCHEMA = {
  type: 'object',
  required: ['input'],
  anyOf: [{ required: ['model'] }, { required: ['models'] }, { required: ['route'] }],
  additionalProperties: false,
  $defs: { text },
  properties: {
    model: MODEL_NAME_SCHEMA,
    // Switchyard's own: ordered fallbacks, a named route, continuation of a broken stream.
    models: { type: 'array', minItems: 1, maxItems: 10, items: MODEL_NAME_SCHEMA },
    route: MODEL_NAME_SCHEMA,
    stream_failover: { type: 'boolean' },
    input: { anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, maxItems: 4096 }] },
    instructions: nullable({ type: 'string' }),
    tools: { type: 'array', maxItems: 128, items: { type: 'object', required: ['type'] } },
    tool_choice: {},
    text: { $ref: '#/$defs/text' },
    reasoning: nullable({
      type: 'object',
      additionalProperties: false,
      properties: {
        effort: nullable({ enum: ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] }),
        summary: nullable({ enum: ['auto', 'concise', 'detailed'] }),
        generate_summary: nullable({ enum: ['auto', 'concise', 'detailed'] }),
      },
    }),
    max_output_tokens: nullable({ type: 'integer', minimum: 1 }),
    temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
    top_p: nullable({ type: 'number', minimum: 0, maximum: 1 }),
    metadata: nullable({
      type: 'object',
      maxProperties: 16,
      propertyNames: { maxLength: 64 },
      additionalProperties: { type: 'string', maxLength: 512 },
    }),
    store: nullable({ type: 'boolean' }),
    previous_response_id: nullable({ type: 'string', minLength: 1, maxLength: 128 }),
    parallel_tool_calls: nullable({ type: 'boolean' }),
    user: { type: 'string', maxLength: 256 },
    safety_identifier: { type: 'string', maxLength: 256 },
    prompt_cache_key: { type: 'string', maxLength: 256 },
    stream: nullable({ type: 'boolean' }),
    stream_options: nullable({ type: 'object' }),
    background: nullable({ type: 'boolean' }),
    include: nullable({ type: 'array', items: { type: 'string' } }),
    truncation: nullable({ enum: ['auto', 'disabled'] }),
    service_tier: nullable({ enum: ['auto', 'default', 'flex', 'scale', 'priority'] }),
    // Known, and refused by the mapper with a reason.
    conversation: {},
    prompt: {},
    max_tool_calls: {},
    top_logprobs: {},
  },
};
