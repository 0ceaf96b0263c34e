import type { WireFormat } from '../provider.port.js';

/** What a model can do. The first seven are operations (endpoints); the rest are features of chat. */
export const CAPABILITIES = [
  'chat',
  'completions',
  'embeddings',
  'images',
  'audio_speech',
  'audio_transcription',
  'rerank',
  'vision',
  'tools',
  'json_mode',
  'streaming',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** The capabilities that are endpoints: every model has at least one. */
export const OPERATIONS = [
  'chat',
  'completions',
  'embeddings',
  'images',
  'audio_speech',
  'audio_transcription',
  'rerank',
] as const satisfies readonly Capability[];

export type Operation = (typeof OPERATIONS)[number];

/**
 * List prices as decimal strings of credits (1 credit ≈ 1 USD by default), never floats:
 * per million tokens in and out, per million cached input tokens, per image, per audio minute,
 * per million characters (text to speech), per search unit (rerank).
 */
export interface ModelPricing {
  readonly inputPerMTok: string;
  readonly outputPerMTok: string;
  /** Prompt tokens read from the provider's cache; absent: the input price. */
  readonly cachedInputPerMTok?: string;
  /** Prompt tokens written to a 5-minute cache (Anthropic); absent: 1.25 × the input price. */
  readonly cacheWrite5mPerMTok?: string;
  /** Prompt tokens written to a 1-hour cache (Anthropic); absent: 2 × the input price. */
  readonly cacheWrite1hPerMTok?: string;
  readonly perImage?: string;
  readonly perAudioMinute?: string;
  readonly perMChars?: string;
  /** One search unit of a rerank (Cohere: one query over up to 100 documents). */
  readonly perSearch?: string;
}

/** One model of one provider, with admin overrides applied. */
export interface CatalogModel {
  /** The id sent upstream. */
  readonly id: string;
  /** Other names callers may use for it (bare, or after `provider/`). */
  readonly aliases: readonly string[];
  readonly capabilities: readonly Capability[];
  readonly contextWindow: number;
  readonly maxOutputTokens: number;
  readonly pricing: ModelPricing;
  /** Switched off by an admin override: listed, never resolved. */
  readonly disabled: boolean;
  /**
   * Deliberately free (a local server): charged nothing. Without it, a price that is missing or
   * zero for what a call uses makes the call a 400 `model_not_priced` (see pricing-gaps.ts).
   */
  readonly free?: boolean;
}

/** The environment variables a provider reads (always `<ID>_API_KEY`, `<ID>_BASE_URL`, `<ID>_TIMEOUT_MS`). */
export interface ProviderEnvNames {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly timeoutMs: string;
}

/** The terms for models a provider serves but the catalog cannot list (whatever a local server has loaded). */
export interface UnlistedModelTerms {
  readonly capabilities: readonly Capability[];
  readonly contextWindow: number;
  readonly maxOutputTokens: number;
  readonly pricing: ModelPricing;
  /** As {@link CatalogModel.free}. */
  readonly free?: boolean;
}

/** One provider, from its catalog file. */
export interface CatalogProvider {
  readonly id: string;
  readonly name: string;
  readonly format: WireFormat;
  readonly defaultBaseUrl: string;
  readonly env: ProviderEnvNames;
  /** false for local servers (Ollama, vLLM, LM Studio) and the simulator. */
  readonly keyRequired: boolean;
  /** true when the default base URL is only a template (Azure): the provider needs `<ID>_BASE_URL`. */
  readonly baseUrlRequired: boolean;
  /**
   * An OpenAI-format provider that speaks the Responses API (`POST /responses`) itself: a
   * `/v1/responses` call whose targets all do goes through natively, built-in tools intact.
   */
  readonly responsesApi?: boolean;
  readonly timeoutMs: number;
  /** Catalog order: lower first; bare model ids resolve to the first available provider. */
  readonly priority: number;
  readonly docsUrl?: string;
  readonly notes?: string;
  /**
   * The provider's default chat model: the provider's id alone as a model name (`"openai"`)
   * resolves to it (ModelMixSuper's `model: "openai"`). A listed model id or alias.
   */
  readonly defaultModel?: string;
  /** When set, `provider/<any id>` resolves even for models not listed, on these terms. */
  readonly unlistedModels?: UnlistedModelTerms;
  readonly models: readonly CatalogModel[];
  /** Set for providers registered at run time (`/api/v1/providers`); absent for catalog files. */
  readonly runtime?: RuntimeProviderInfo;
}

/**
 * What a runtime provider's registration says, as the OpenAI-compatible `openai` format plus
 * `ollama` (Ollama's OpenAI-compatible API under `/v1`, keyless by default).
 */
export const RUNTIME_FORMATS = ['openai', 'anthropic', 'gemini', 'ollama'] as const;
export type RuntimeFormat = (typeof RUNTIME_FORMATS)[number];

/** The run-time registration of a provider: who sees it and what every call to it carries. */
export interface RuntimeProviderInfo {
  /** The tenant whose callers alone see it; null for a platform provider (every tenant). */
  readonly tenantId: string | null;
  /** As registered (`ollama` is served by the `openai` wire format). */
  readonly format: RuntimeFormat;
  /** Sent with every upstream call (they replace the adapter's own headers of the same name). */
  readonly headers: Readonly<Record<string, string>>;
}

/** A provider and one of its models: what catalog look-ups return. */
export interface CatalogEntry {
  readonly provider: CatalogProvider;
  readonly model: CatalogModel;
}

/** An admin's change to one model (stored elsewhere, applied here). */
export interface ModelOverride {
  provider: string;
  model: string;
  pricing?: Partial<ModelPricing>;
  contextWindow?: number;
  maxOutputTokens?: number;
  disabled?: boolean;
  /** Marks the model free (true) or not (false); absent: the catalog's value. */
  free?: boolean;
}
