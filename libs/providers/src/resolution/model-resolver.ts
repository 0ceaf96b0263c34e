import { InvalidRequestError, ModelNotFoundError } from '@switchyard/core';
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
} from 'openai/resources/chat/completions';
import { CatalogService } from '../catalog/catalog.service.js';
import type {
  Capability,
  CatalogEntry,
  CatalogModel,
  CatalogProvider,
  Operation,
} from '../catalog/catalog.types.js';
import type { KeySource } from '../keys/key-source.js';
import { ProviderEnvironment } from '../keys/provider-environment.js';
import type { KeyScope, ProvidersSettings } from '../keys/providers.settings.js';
import type { WireFormat } from '../provider.port.js';

/** A model name resolved to one provider and one model, with what calling it needs. */
export interface ResolvedModel {
  /** Canonical `provider/model` id. */
  readonly id: string;
  /** The name as the caller gave it. */
  readonly requested: string;
  readonly provider: CatalogProvider;
  readonly model: CatalogModel;
  readonly format: WireFormat;
  /** The model id to send upstream. */
  readonly upstreamModel: string;
  /** The provider's timeout (catalog default or `<ID>_TIMEOUT_MS`). */
  readonly timeoutMs: number;
}

/**
 * What a request needs from a model, for {@link ModelResolver.assertSupports}. Image and audio
 * operations are listed so later endpoints use the same check.
 */
export type CapabilityRequest =
  | {
      operation: 'chat';
      body: Pick<
        ChatCompletionCreateParams,
        'messages' | 'tools' | 'functions' | 'response_format' | 'stream'
      >;
    }
  | { operation: 'completions'; body?: { stream?: boolean | null } }
  | { operation: Exclude<Operation, 'chat' | 'completions'> };

/** How long an operator alias chain may be (fast -> cheap -> openai/...), against loops. */
const MAX_ALIAS_DEPTH = 5;

/**
 * The name of the default vision model (ModelMixSuper's `model: "image"`): the first available
 * provider's default model that reads images, else any chat model that does, in catalog order,
 * unless an operator alias names another.
 */
export const VISION_ALIAS = 'image';

const FEATURE_WORDS: Record<Capability, string> = {
  chat: 'chat completions',
  completions: 'text completions',
  embeddings: 'embeddings',
  images: 'image generation',
  audio_speech: 'text to speech',
  audio_transcription: 'audio transcription',
  rerank: 'rerank',
  vision: 'image inputs',
  tools: 'tools',
  json_mode: 'JSON mode (response_format)',
  streaming: 'streaming',
};

interface Need {
  capability: Capability;
  param: string;
}

function imagePartPath(messages: ChatCompletionCreateParams['messages']): string | null {
  for (const [i, message] of messages.entries()) {
    // Validation refuses a user message without content; a caller that skipped it gets no crash.
    if (message.role !== 'user' || !Array.isArray(message.content)) continue;
    const j = message.content.findIndex((part: ChatCompletionContentPart) => part.type === 'image_url');
    if (j >= 0) return `messages[${i}].content[${j}]`;
  }
  return null;
}

function needsOf(request: CapabilityRequest): Need[] {
  const needs: Need[] = [{ capability: request.operation, param: 'model' }];
  if (request.operation === 'chat') {
    const { body } = request;
    if (body.stream === true) needs.push({ capability: 'streaming', param: 'stream' });
    const image = imagePartPath(body.messages);
    if (image) needs.push({ capability: 'vision', param: image });
    if ((body.tools?.length ?? 0) > 0) needs.push({ capability: 'tools', param: 'tools' });
    else if ((body.functions?.length ?? 0) > 0) needs.push({ capability: 'tools', param: 'functions' });
    const format = body.response_format?.type;
    if (format === 'json_object' || format === 'json_schema') {
      needs.push({ capability: 'json_mode', param: 'response_format' });
    }
  } else if (request.operation === 'completions' && request.body?.stream === true) {
    needs.push({ capability: 'streaming', param: 'stream' });
  }
  return needs;
}

/**
 * Turns the model name of a request into one provider and model. Accepted forms, in order:
 * an operator alias (settings.aliases), `provider/model` (model id or alias of that provider, or
 * any id when the provider takes unlisted models), a bare catalog model id (the first available
 * provider listing it, in catalog order), a catalog alias. Anything else, or a model whose
 * provider is not available for this caller, is a ModelNotFoundError. Every step is a map read.
 */
export class ModelResolver {
  constructor(
    private readonly catalog: CatalogService,
    private readonly keys: KeySource,
    private readonly environment: ProviderEnvironment,
    private readonly settings: Pick<ProvidersSettings, 'aliases' | 'defaultLocalProvider'>,
  ) {}

  /** Resolves a model name for a caller; throws ModelNotFoundError. */
  resolve(requested: string, scope: KeyScope = {}): ResolvedModel {
    const found = this.lookup(requested.trim(), scope, 0);
    if (!found) throw new ModelNotFoundError(requested, { hint: this.notFoundHint(requested, scope) });
    return this.resolved(requested, found);
  }

  /** Like resolve, but null instead of throwing. */
  tryResolve(requested: string, scope: KeyScope = {}): ResolvedModel | null {
    const found = this.lookup(requested.trim(), scope, 0);
    return found ? this.resolved(requested, found) : null;
  }

  /**
   * Throws InvalidRequestError (400, `param` set) when the model lacks what the request needs:
   * the operation itself, image inputs, tools, JSON mode or streaming. The message names a model
   * that has it when this caller has one available.
   */
  assertSupports(resolved: ResolvedModel, request: CapabilityRequest, scope: KeyScope = {}): void {
    const needs = needsOf(request);
    const missing = needs.find((need) => !resolved.model.capabilities.includes(need.capability));
    if (!missing) return;
    const what = FEATURE_WORDS[missing.capability];
    const alternative = this.alternative(resolved, needs, scope);
    const hint = alternative ? ` Try '${alternative}', which does.` : '';
    throw new InvalidRequestError(`The model '${resolved.id}' does not support ${what}.${hint}`, {
      param: missing.param,
      code: 'model_not_supported',
    });
  }

  private resolved(requested: string, entry: CatalogEntry): ResolvedModel {
    return {
      id: `${entry.provider.id}/${entry.model.id}`,
      requested,
      provider: entry.provider,
      model: entry.model,
      format: entry.provider.format,
      upstreamModel: entry.model.id,
      timeoutMs: this.environment.timeoutMs(entry.provider.id) ?? entry.provider.timeoutMs,
    };
  }

  private available(entry: CatalogEntry, scope: KeyScope): boolean {
    return this.keys.isAvailable(entry.provider.id, scope);
  }

  private lookup(name: string, scope: KeyScope, depth: number): CatalogEntry | null {
    if (name === '') return null;
    const target = Object.hasOwn(this.settings.aliases, name) ? this.settings.aliases[name] : undefined;
    if (target !== undefined && depth < MAX_ALIAS_DEPTH && target !== name) {
      return this.lookup(target.trim(), scope, depth + 1);
    }
    const slash = name.indexOf('/');
    if (slash > 0) {
      const providerId = name.slice(0, slash);
      const modelId = name.slice(slash + 1);
      // The caller's tenant decides which runtime providers exist for it at all.
      const provider = this.catalog.provider(providerId, scope.tenantId);
      if (provider && modelId !== '' && this.keys.isAvailable(providerId, scope)) {
        const entry = this.catalog.entry(providerId, modelId, scope.tenantId);
        if (entry) return entry;
        if (provider.unlistedModels && !this.catalog.model(providerId, modelId, scope.tenantId)) {
          return {
            provider,
            model: { id: modelId, aliases: [], disabled: false, ...provider.unlistedModels },
          };
        }
      }
      // Not a provider prefix after all: vendor-style ids such as meta-llama/Llama-3.3-70B.
    }
    return (
      this.catalog.withModelId(name, scope.tenantId).find((e) => this.available(e, scope)) ??
      this.catalog.withAlias(name, scope.tenantId).find((e) => this.available(e, scope)) ??
      (slash < 0 ? this.bareFallback(name, scope) : null)
    );
  }

  /**
   * A bare name no catalog entry answered: a provider id (its default chat model), `image` (the
   * first available vision chat model), else the default local provider's model of that name.
   */
  private bareFallback(name: string, scope: KeyScope): CatalogEntry | null {
    const provider = this.catalog.provider(name, scope.tenantId);
    if (provider) {
      if (!provider.defaultModel || !this.keys.isAvailable(provider.id, scope)) return null;
      return this.catalog.entry(provider.id, provider.defaultModel, scope.tenantId) ?? null;
    }
    if (name === VISION_ALIAS) {
      // A provider's default model first (a mid-tier model), else any vision chat model.
      const usable = this.catalog
        .withCapability('vision', scope.tenantId)
        .filter((e) => e.model.capabilities.includes('chat') && this.available(e, scope));
      return usable.find((e) => e.model.id === e.provider.defaultModel) ?? usable[0] ?? null;
    }
    // Only a local server the operator configured (its base URL set), not one a stored key made available.
    const local = this.settings.defaultLocalProvider;
    if (local && this.environment.endpoint(local)?.baseUrlConfigured && !this.listed(name, scope)) {
      const found = this.lookup(`${local}/${name}`, scope, MAX_ALIAS_DEPTH);
      if (found?.provider.id === local) return found;
    }
    return null;
  }

  /** Whether any catalog lists this bare name as a model id or alias (available or not). */
  private listed(name: string, scope: KeyScope): boolean {
    return (
      this.catalog.withModelId(name, scope.tenantId).length > 0 ||
      this.catalog.withAlias(name, scope.tenantId).length > 0
    );
  }

  /** Why a bare name did not resolve: the `provider/model` forms that exist for it. */
  private notFoundHint(requested: string, scope: KeyScope): string | undefined {
    const name = requested.trim();
    if (name === '' || name.includes('/')) return undefined;
    const forms = new Set(
      [
        ...this.catalog.withModelId(name, scope.tenantId),
        ...this.catalog.withAlias(name, scope.tenantId),
      ].map((e) => `${e.provider.id}/${e.model.id}`),
    );
    if (forms.size > 0) {
      return `It exists as ${[...forms].join(', ')}, but no key for ${forms.size > 1 ? 'those providers' : 'that provider'} is available to you.`;
    }
    const provider = this.catalog.provider(name, scope.tenantId);
    if (provider?.defaultModel) {
      return `'${name}' stands for ${provider.name}'s default model, ${provider.id}/${provider.defaultModel}, and no key for ${provider.name} is available to you.`;
    }
    const local = this.settings.defaultLocalProvider;
    const server = local ? this.catalog.provider(local, scope.tenantId) : undefined;
    if (server && !provider) {
      return `No catalog lists it; a local server's model is called '${local}/${name}' once ${server.env.baseUrl} is set.`;
    }
    return undefined;
  }

  /** A model with every capability the request needs, same provider first. */
  private alternative(resolved: ResolvedModel, needs: readonly Need[], scope: KeyScope): string | null {
    const missing = needs.find((n) => !resolved.model.capabilities.includes(n.capability));
    if (!missing) return null;
    const fits = (entry: CatalogEntry): boolean =>
      needs.every((n) => entry.model.capabilities.includes(n.capability)) && this.available(entry, scope);
    const candidates = this.catalog.withCapability(missing.capability, scope.tenantId);
    const best =
      candidates.find((e) => e.provider.id === resolved.provider.id && fits(e)) ?? candidates.find(fits);
    return best ? `${best.provider.id}/${best.model.id}` : null;
  }
}
