import { isRecord } from './json.util.js';

/** Placeholder for one JSON-schema type; Gemini spells types in upper case, so compare lower-cased. */
function placeholder(schema: unknown): unknown {
  const declared = isRecord(schema) ? schema.type : undefined;
  const type = (Array.isArray(declared) ? declared.find((t) => t !== 'null') : declared) as unknown;
  switch (typeof type === 'string' ? type.toLowerCase() : '') {
    case 'string':
      return isRecord(schema) && Array.isArray(schema.enum) && schema.enum.length > 0
        ? schema.enum[0]
        : 'sim';
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return 'sim';
  }
}

/**
 * Arguments for a simulated tool call: every `required` property of the schema, filled with
 * string → "sim" (or the first enum value), number/integer → 1, boolean → true, array → [], object → {}.
 */
export function fillRequiredArgs(schema: unknown): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (!isRecord(schema) || !Array.isArray(schema.required)) return args;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const name of schema.required) {
    if (typeof name === 'string') args[name] = placeholder(properties[name]);
  }
  return args;
}
