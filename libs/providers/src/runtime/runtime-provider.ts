import type { WireFormat } from '../provider.port.js';
import { isSimulator } from '../keys/provider-environment.js';
import type {
  Capability,
  CatalogModel,
  CatalogProvider,
  ModelPricing,
  RuntimeFormat,
} from '../catalog/catalog.types.js';

/** Runtime providers come after every catalog file in bare-id resolution. */
export const RUNTIME_PROVIDER_PRIORITY = 10_000;

/** A runtime provider id: what callers put before the slash (`<id>/<model>`). */
export const RUNTIME_PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** One model of a runtime provider, as stored. */
export interface RuntimeModelDefinition {
  id: string;
  aliases: string[];
  capabilities: Capability[];
  contextWindow: number;
  maxOutputTokens: number;
  pricing: ModelPricing;
  /** Deliberately free (a local server): see CatalogModel.free. */
  free?: boolean;
}

/** A provider registered at run time, as stored (base URL already normalised). */
export interface RuntimeProviderDefinition {
  id: string;
  /** Null: a platform provider (every tenant). */
  tenantId: string | null;
  name: string;
  format: RuntimeFormat;
  baseUrl: string;
  headers: Record<string, string>;
  timeoutMs: number;
  keyRequired: boolean;
  /** Speaks OpenAI's Responses API natively (`openai` format only). */
  responsesApi?: boolean;
  models: RuntimeModelDefinition[];
}

/** The adapter a registration is served by: Ollama speaks the OpenAI-compatible API under /v1. */
export function wireFormatOf(format: RuntimeFormat): WireFormat {
  return format === 'ollama' ? 'openai' : format;
}

/** Whether a registration of this format takes a key unless told otherwise (Ollama does not). */
export function keyRequiredByDefault(format: RuntimeFormat): boolean {
  return format !== 'ollama';
}

/** Why an id cannot name a runtime provider (besides clashing with a catalog file), or undefined. */
export function runtimeIdProblem(id: string): string | undefined {
  if (!RUNTIME_PROVIDER_ID.test(id)) {
    return 'id must be 1-63 lower-case letters, digits and dashes, starting with a letter or digit';
  }
  // The simulator ids get test-only treatment (fault headers forwarded, no request keys).
  if (isSimulator(id)) return `"${id}" is reserved`;
  return undefined;
}

/**
 * The base URL in the form the wire format's adapter expects, without a trailing slash:
 * Ollama's OpenAI-compatible root (`http://host:11434` and `http://host:11434/api` become
 * `http://host:11434/v1`); Anthropic's root without `/v1` (the SDK adds `/v1/messages`);
 * OpenAI-compatible and Gemini URLs as given.
 */
export function normaliseBaseUrl(format: RuntimeFormat, raw: string): string {
  const url = new URL(raw.trim());
  url.hash = '';
  let path = url.pathname.replace(/\/+$/, '');
  switch (format) {
    case 'ollama':
      path = path.replace(/\/api$/, '');
      if (!/\/v1$/.test(path)) path = `${path}/v1`;
      break;
    case 'anthropic':
      path = path.replace(/\/v1$/, '');
      break;
    case 'openai':
    case 'gemini':
      break;
  }
  url.pathname = path === '' ? '/' : path;
  const text = url.toString();
  return url.search === '' ? text.replace(/\/+$/, '') : text;
}

/** Where an Ollama server lists its models: `/api/tags` beside its `/v1` root. */
export function ollamaTagsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.search = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}/api/tags`;
  return url.toString();
}

function catalogModel(model: RuntimeModelDefinition): CatalogModel {
  return {
    id: model.id,
    aliases: [...model.aliases],
    capabilities: [...model.capabilities],
    contextWindow: model.contextWindow,
    maxOutputTokens: model.maxOutputTokens,
    pricing: { ...model.pricing },
    disabled: false,
    ...(model.free === true ? { free: true } : {}),
  };
}

/** A registration as the catalog serves it. */
export function runtimeCatalogProvider(def: RuntimeProviderDefinition): CatalogProvider {
  return {
    id: def.id,
    name: def.name,
    format: wireFormatOf(def.format),
    defaultBaseUrl: def.baseUrl,
    // Runtime providers read nothing from the environment.
    env: { apiKey: '', baseUrl: '', timeoutMs: '' },
    keyRequired: def.keyRequired,
    baseUrlRequired: false,
    timeoutMs: def.timeoutMs,
    priority: RUNTIME_PROVIDER_PRIORITY,
    ...(def.responsesApi && def.format === 'openai' ? { responsesApi: true } : {}),
    models: def.models.map(catalogModel),
    runtime: { tenantId: def.tenantId, format: def.format, headers: { ...def.headers } },
  };
}
