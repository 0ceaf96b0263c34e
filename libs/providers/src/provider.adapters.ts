import { AnthropicAdapter } from './anthropic/anthropic.adapter.js';
import type { OutboundPolicy } from '@switchyard/core';
import type { CatalogService } from './catalog/catalog.service.js';
import { CohereAdapter } from './cohere/cohere.adapter.js';
import { GeminiAdapter } from './gemini/gemini.adapter.js';
import { GigaChatAdapter } from './gigachat/gigachat.adapter.js';
import { OpenAICompatibleAdapter } from './openai-compatible/openai-compatible.adapter.js';
import type { ProviderAdapter } from './provider.port.js';

/** What an adapter may depend on; adapters hold no other state than their SDK client cache. */
export interface AdapterDependencies {
  catalog: CatalogService;
  /** Every upstream connection goes through it. */
  outbound: OutboundPolicy;
  /** The providers' environment settings (GigaChat reads its `<ID>_AUTH_BASE_URL` here). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The registration of every wire format's adapter, in one place: a new wire format is one
 * adapter folder and one line here (plus its name in the WireFormat union).
 */
export const ADAPTER_FACTORIES: ReadonlyArray<(deps: AdapterDependencies) => ProviderAdapter> = [
  ({ outbound }) => new OpenAICompatibleAdapter(outbound),
  ({ outbound }) => new GeminiAdapter(outbound),
  ({ catalog, outbound }) => new AnthropicAdapter(catalog, outbound),
  ({ outbound }) => new CohereAdapter(outbound),
  ({ catalog, outbound, env }) => new GigaChatAdapter(outbound, catalog, env),
];

/** One instance of every registered adapter. */
export function createAdapters(deps: AdapterDependencies): ProviderAdapter[] {
  return ADAPTER_FACTORIES.map((create) => create(deps));
}
