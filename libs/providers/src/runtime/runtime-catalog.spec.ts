import { describe, expect, it } from '@jest/globals';
import { ModelNotFoundError } from '@switchyard/core';
import { CatalogService } from '../catalog/catalog.service.js';
import { EnvKeySource, KEYLESS_PLACEHOLDER, REQUEST_KEY_ID } from '../keys/env-key-source.js';
import { ProviderEnvironment } from '../keys/provider-environment.js';
import { ModelResolver } from '../resolution/model-resolver.js';
import { runtimeCatalogProvider, type RuntimeProviderDefinition } from './runtime-provider.js';

const TENANT_A = '11111111-1111-4111-8111-111111111111';
const TENANT_B = '22222222-2222-4222-8222-222222222222';

function definition(over: Partial<RuntimeProviderDefinition> & { id: string }): RuntimeProviderDefinition {
  return {
    tenantId: null,
    name: over.id,
    format: 'openai',
    baseUrl: 'https://llm.example.com/v1',
    headers: {},
    timeoutMs: 30_000,
    keyRequired: false,
    models: [
      {
        id: 'shared-model',
        aliases: ['house'],
        capabilities: ['chat', 'streaming'],
        contextWindow: 8192,
        maxOutputTokens: 1234,
        pricing: { inputPerMTok: '1', outputPerMTok: '2' },
      },
    ],
    ...over,
  };
}

function setup(defs: RuntimeProviderDefinition[]) {
  const catalog = CatalogService.fromDirectory();
  catalog.setRuntimeProviders(defs.map(runtimeCatalogProvider));
  const settings = { env: {}, aliases: {} };
  const environment = new ProviderEnvironment(settings, catalog);
  const keys = new EnvKeySource(catalog, environment);
  const sut = new ModelResolver(catalog, keys, environment, settings);
  return { catalog, environment, keys, sut };
}

describe('runtime providers in the catalog', () => {
  const defs = [
    definition({ id: 'platform-box' }),
    definition({
      id: 'a-box',
      tenantId: TENANT_A,
      format: 'ollama',
      baseUrl: 'http://10.0.0.5:11434/v1',
      headers: { 'X-Org': 'lab' },
      models: [
        {
          id: 'llama3.1:8b',
          aliases: [],
          capabilities: ['chat'],
          contextWindow: 131072,
          maxOutputTokens: 2048,
          pricing: { inputPerMTok: '0', outputPerMTok: '0' },
          free: true,
        },
      ],
    }),
    definition({ id: 'b-box', tenantId: TENANT_B, keyRequired: true }),
  ];

  it("resolves a tenant's provider for that tenant only; the platform's for everybody", () => {
    const { sut } = setup(defs);
    const resolved = sut.resolve('a-box/llama3.1:8b', { tenantId: TENANT_A });
    expect(resolved).toMatchObject({
      id: 'a-box/llama3.1:8b',
      format: 'openai',
      upstreamModel: 'llama3.1:8b',
      timeoutMs: 30_000,
    });
    expect((resolved.model as { free?: boolean }).free).toBe(true);
    expect(() => sut.resolve('a-box/llama3.1:8b', { tenantId: TENANT_B })).toThrow(ModelNotFoundError);
    expect(() => sut.resolve('a-box/llama3.1:8b', {})).toThrow(ModelNotFoundError);
    // A bare id of a tenant's model is not found elsewhere either.
    expect(() => sut.resolve('llama3.1:8b', { tenantId: TENANT_B })).toThrow(ModelNotFoundError);
    expect(sut.resolve('llama3.1:8b', { tenantId: TENANT_A }).id).toBe('a-box/llama3.1:8b');
    expect(sut.resolve('platform-box/house', { tenantId: TENANT_B }).id).toBe('platform-box/shared-model');
    expect(sut.resolve('platform-box/shared-model', {}).id).toBe('platform-box/shared-model');
  });

  it('takes a key when it requires one: unavailable without, served with the request key', async () => {
    const { sut, keys } = setup(defs);
    expect(() => sut.resolve('b-box/shared-model', { tenantId: TENANT_B })).toThrow(ModelNotFoundError);
    const scope = { tenantId: TENANT_B, requestKey: 'sk-caller-0123456789' };
    expect(sut.resolve('b-box/shared-model', scope).id).toBe('b-box/shared-model');
    expect(await keys.keysFor('b-box', scope)).toEqual([
      { apiKey: 'sk-caller-0123456789', baseUrl: 'https://llm.example.com/v1', keyId: REQUEST_KEY_ID },
    ]);
    // Tenant A's caller, even with a key, does not reach tenant B's provider.
    expect(await keys.keysFor('b-box', { ...scope, tenantId: TENANT_A })).toEqual([]);
  });

  it('calls a keyless provider with the placeholder, its URL and its default headers', async () => {
    const { keys, environment } = setup(defs);
    expect(await keys.keysFor('a-box', { tenantId: TENANT_A })).toEqual([
      {
        apiKey: KEYLESS_PLACEHOLDER,
        baseUrl: 'http://10.0.0.5:11434/v1',
        keyId: 'env:keyless',
        headers: { 'X-Org': 'lab' },
      },
    ]);
    expect(environment.endpoint('a-box')).toMatchObject({
      baseUrl: 'http://10.0.0.5:11434/v1',
      timeoutMs: 30_000,
    });
    expect(environment.endpoint('no-such-box')).toBeUndefined();
  });

  it('lists runtime providers after the catalog files, a tenant its own last', () => {
    const { catalog } = setup(defs);
    const shared = catalog.providers().map((p) => p.id);
    expect(shared).toContain('platform-box');
    expect(shared).not.toContain('a-box');
    expect(shared.at(-1)).toBe('platform-box');
    expect(
      catalog
        .providers(TENANT_A)
        .map((p) => p.id)
        .slice(-2),
    ).toEqual(['platform-box', 'a-box']);
    expect(catalog.providers(TENANT_B).map((p) => p.id)).not.toContain('a-box');
    expect(catalog.withCapability('chat', TENANT_A).some((e) => e.provider.id === 'a-box')).toBe(true);
    expect(catalog.withCapability('chat', TENANT_B).some((e) => e.provider.id === 'a-box')).toBe(false);
  });

  it('leaves out a registration whose id a catalog file has, and applies overrides to platform ones', () => {
    const catalog = CatalogService.fromDirectory();
    const result = catalog.setRuntimeProviders(
      [definition({ id: 'openai' }), definition({ id: 'platform-box' })].map(runtimeCatalogProvider),
    );
    expect(result).toEqual({ applied: 1, shadowed: ['openai'] });
    expect(catalog.provider('openai')?.runtime).toBeUndefined();
    const applied = catalog.applyOverrides([
      { provider: 'platform-box', model: 'shared-model', pricing: { outputPerMTok: '9' } },
    ]);
    expect(applied.unknown).toEqual([]);
    expect(catalog.model('platform-box', 'shared-model')?.pricing.outputPerMTok).toBe('9');
    // Replacing the runtime set keeps the stored overrides.
    catalog.setRuntimeProviders([definition({ id: 'platform-box' })].map(runtimeCatalogProvider));
    expect(catalog.model('platform-box', 'shared-model')?.pricing.outputPerMTok).toBe('9');
  });

  it('forgets a removed provider at once', () => {
    const { catalog, sut } = setup(defs);
    catalog.setRuntimeProviders([]);
    expect(() => sut.resolve('platform-box/shared-model', {})).toThrow(ModelNotFoundError);
    expect(catalog.runtimeProvider('a-box')).toBeUndefined();
  });

  it("gives an adapter the runtime model's maximum output", () => {
    const { catalog } = setup(defs);
    expect(catalog.defaultMaxOutputTokens('openai', 'llama3.1:8b', 'a-box')).toBe(2048);
  });
});
