// The console's API types (apps/admin/src/api/schema.d.ts) from the OpenAPI document, with
// openapi-typescript. One function, so the generator (scripts/openapi.mjs) and the drift check
// (test/openapi.e2e-spec.ts) produce the very same text.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

// openapi-typescript is the console's dev dependency (it wants TypeScript 5; the root has 6).
const require = createRequire(join(resolve(import.meta.dirname, '..'), 'apps/admin/package.json'));
const { default: openapiTS, astToString } = require('openapi-typescript');

const HEADER = `/**
 * Generated from the gateway's OpenAPI document (apps/admin/openapi.json) by \`npm run openapi\`.
 * Do not edit: change the API's DTOs and decorators, then regenerate.
 */

`;

/** @param {object} document the OpenAPI document (GET /docs-json) */
export async function openApiTypes(document) {
  const ast = await openapiTS(structuredClone(document), { alphabetize: false });
  return HEADER + astToString(ast);
}

/** The document as committed: stable JSON, two-space indent, final newline. */
export function openApiJson(document) {
  return `${JSON.stringify(document, null, 2)}\n`;
}
