export {
  ProviderError,
  WIRE_FORMATS,
  type CallOptions,
  type ProviderAdapter,
  type ProviderCredentials,
  type ProviderErrorKind,
  type ProviderErrorOptions,
  type WireFormat,
} from './provider.port.js';
export type { RerankParams, RerankResponse, RerankResult } from './rerank.types.js';
export { KEY_SOURCE, PROVIDER_ADAPTERS, PROVIDERS_SETTINGS } from './providers.tokens.js';
export { ProvidersModule, type ProvidersModuleOptions } from './providers.module.js';
export { ProviderRegistry } from './provider.registry.js';
export { ADAPTER_FACTORIES, createAdapters, type AdapterDependencies } from './provider.adapters.js';
export { OpenAICompatibleAdapter } from './openai-compatible/openai-compatible.adapter.js';
export { GeminiAdapter } from './gemini/gemini.adapter.js';
export { AnthropicAdapter } from './anthropic/anthropic.adapter.js';
export { CohereAdapter } from './cohere/cohere.adapter.js';
export { GigaChatAdapter } from './gigachat/gigachat.adapter.js';
export {
  CatalogService,
  type OverrideResult,
  type RuntimeProvidersResult,
} from './catalog/catalog.service.js';
export {
  CatalogValidationError,
  DEFAULT_CATALOG_DIR,
  envPrefix,
  loadCatalog,
} from './catalog/catalog.loader.js';
export {
  CAPABILITIES,
  OPERATIONS,
  type Capability,
  type CatalogEntry,
  type CatalogModel,
  type CatalogProvider,
  type ModelOverride,
  type ModelPricing,
  type Operation,
  type ProviderEnvNames,
  type UnlistedModelTerms,
  RUNTIME_FORMATS,
  type RuntimeFormat,
  type RuntimeProviderInfo,
} from './catalog/catalog.types.js';
export {
  ModelNotPricedError,
  PRICED_QUANTITIES,
  QUANTITIES_OF,
  hasPrice,
  pricingGaps,
  unpricedFor,
  type PricedQuantity,
  type PricedTerms,
} from './catalog/pricing-gaps.js';
export type { KeyEventContext, KeySource } from './keys/key-source.js';
export { EnvKeySource, KEYLESS_PLACEHOLDER, REQUEST_KEY_ID } from './keys/env-key-source.js';
export { ProviderEnvironment, isSimulator, type ProviderEndpoint } from './keys/provider-environment.js';
export { ProvidersConfigError, type KeyScope, type ProvidersSettings } from './keys/providers.settings.js';
export {
  ModelResolver,
  VISION_ALIAS,
  type CapabilityRequest,
  type ResolvedModel,
} from './resolution/model-resolver.js';
export {
  RUNTIME_PROVIDER_ID,
  RUNTIME_PROVIDER_PRIORITY,
  keyRequiredByDefault,
  normaliseBaseUrl,
  ollamaTagsUrl,
  runtimeCatalogProvider,
  runtimeIdProblem,
  wireFormatOf,
  type RuntimeModelDefinition,
  type RuntimeProviderDefinition,
} from './runtime/runtime-provider.js';
export {
  DiscoveryError,
  discoverModels,
  type DiscoveredModel,
  type DiscoveryRequest,
  type DiscoveryResult,
} from './runtime/model-discovery.js';
export {
  INTERNAL_MESSAGE_FIELDS,
  INTERNAL_REQUEST_FIELDS,
  effortForBudget,
  stripInternalFields,
  type InternalChatRequest,
  type ThinkingBlock,
  type ThinkingConfig,
} from './model/internal-model.js';
export { PROVIDER_KEY_HEADERS, requestKeyFor, requestKeysOf } from './keys/request-keys.js';
