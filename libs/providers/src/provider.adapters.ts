import { AnthropicAdapter } from './anthropic/anthropic.adapter.js';
import type { CatalogService } from './catalog/catalog.service.js';
import { GeminiAdapter } from './gemini/gemini.adapter.js';
import { OpenAICompatibleAdapter } from './openai-compatible/openai-compatible.adapter.js';
import type { ProviderAdapter } from './provider.port.js';

/** What an adapter may depend on; adapters hold no other state than their SDK client cache. */
export interface AdapterDependencies {
  catalog: CatalogService;
}

/**
 * The registration of every wire format's adapter, in one place: a new wire format is one
 * adapter folder and one line here (plus its name in the WireFormat union).
 */
export const ADAPTER_FACTORIES: ReadonlyArray<(deps: AdapterDependencies) => ProviderAdapter> = [
  () => new OpenAICompatibleAdapter(),
  () => new GeminiAdapter(),
  ({ catalog }) => new AnthropicAdapter(catalog),
];

/** One instance of every registered adapter. */
export function createAdapters(deps: AdapterDependencies): ProviderAdapter[] {
  return ADAPTER_FACTORIES.map((create) => create(deps));
}
