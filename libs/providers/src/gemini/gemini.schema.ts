import type { GeminiSchema } from './gemini.types.js';

// The JSON Schema keywords Gemini's schema accepts as they are; everything else is dropped
// (additionalProperties, $schema, strict, examples...), since Gemini rejects unknown keys.
const KEPT = new Set([
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'default',
  'minimum',
  'maximum',
  'propertyOrdering',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Converts an OpenAI tool / response JSON Schema into Gemini's schema subset. */
export function toGeminiSchema(schema: unknown): GeminiSchema {
  if (!isObject(schema)) return {};
  const out: GeminiSchema = {};
  const type = schema.type;
  if (Array.isArray(type)) {
    // ["string", "null"] is JSON Schema's optional; Gemini spells it nullable.
    const concrete = type.filter((t) => t !== 'null');
    if (concrete.length > 0) out.type = concrete[0];
    if (concrete.length !== type.length) out.nullable = true;
  } else if (typeof type === 'string') {
    out.type = type;
  }
  for (const [key, value] of Object.entries(schema)) {
    if (KEPT.has(key)) out[key] = value;
  }
  if ('const' in schema) out.enum = [schema.const];
  if (isObject(schema.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, sub]) => [name, toGeminiSchema(sub)]),
    );
    out.type ??= 'object';
  }
  if (schema.items !== undefined) out.items = toGeminiSchema(schema.items);
  const anyOf = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(anyOf)) out.anyOf = anyOf.map(toGeminiSchema);
  return out;
}

/** Whether a schema declares no properties at all (Gemini refuses such OBJECT parameters). */
export function isEmptyObjectSchema(schema: GeminiSchema): boolean {
  const properties = schema.properties;
  return !isObject(properties) || Object.keys(properties).length === 0;
}
