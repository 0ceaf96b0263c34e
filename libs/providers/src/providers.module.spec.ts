import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { OutboundPolicy } from '@switchyard/core';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../../apps/simulator/src/index.js';
import { AnthropicAdapter } from './anthropic/anthropic.adapter.js';
import { CohereAdapter } from './cohere/cohere.adapter.js';
import { GigaChatAdapter } from './gigachat/gigachat.adapter.js';
import { testOutboundPolicy } from './testing/adapter-contract.js';
import { CatalogValidationError, DEFAULT_CATALOG_DIR } from './catalog/catalog.loader.js';
import { CatalogService } from './catalog/catalog.service.js';
import { GeminiAdapter } from './gemini/gemini.adapter.js';
import type { KeySource } from './keys/key-source.js';
import { ProvidersConfigError, type ProvidersSettings } from './keys/providers.settings.js';
import { OpenAICompatibleAdapter } from './openai-compatible/openai-compatible.adapter.js';
import type { ProviderAdapter } from './provider.port.js';
import { ProviderRegistry } from './provider.registry.js';
import { ProvidersModule } from './providers.module.js';
import { KEY_SOURCE, PROVIDER_ADAPTERS } from './providers.tokens.js';
import { ModelResolver } from './resolution/model-resolver.js';

/** The application provides the outbound policy globally (the gateway's config module does). */
@Global()
@Module({
  providers: [{ provide: OutboundPolicy, useFactory: testOutboundPolicy }],
  exports: [OutboundPolicy],
})
class OutboundTestModule {}

async function boot(
  settings: ProvidersSettings,
  extra: Partial<Parameters<typeof ProvidersModule.forRoot>[0]> = {},
) {
  return Test.createTestingModule({
    imports: [OutboundTestModule, ProvidersModule.forRoot({ useFactory: () => settings, ...extra })],
  }).compile();
}

describe('ProvidersModule', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('registers one adapter per wire format and resolves, keys and calls end to end', async () => {
    const app = await boot({
      env: {
        SIMULATOR_API_KEY: 'sim-env-key',
        SIMULATOR_GEMINI_API_KEY: 'sim-env-key',
        SIMULATOR_ANTHROPIC_API_KEY: 'sim-env-key',
        SIMULATOR_COHERE_API_KEY: 'sim-env-key',
        SIMULATOR_GIGACHAT_API_KEY: 'sim-env-key',
      },
      aliases: { fast: 'sim-gpt' },
      simulatorUrl: sim.url,
    });
    const registry = app.get(ProviderRegistry);
    expect(registry.formats()).toEqual(['openai', 'gemini', 'anthropic', 'cohere', 'gigachat']);
    expect(registry.adapterFor('openai')).toBeInstanceOf(OpenAICompatibleAdapter);
    expect(registry.adapterFor('gemini')).toBeInstanceOf(GeminiAdapter);
    expect(registry.adapterFor('anthropic')).toBeInstanceOf(AnthropicAdapter);
    expect(registry.adapterFor('cohere')).toBeInstanceOf(CohereAdapter);
    expect(registry.adapterFor('gigachat')).toBeInstanceOf(GigaChatAdapter);
    expect(app.get<ProviderAdapter[]>(PROVIDER_ADAPTERS)).toHaveLength(5);

    for (const name of [
      'fast',
      'sim-gemini',
      'simulator-anthropic/sim-claude',
      'simulator-cohere/sim-command',
      'simulator-gigachat/sim-gigachat',
    ]) {
      const resolved = app.get(ModelResolver).resolve(name);
      const [creds] = await app.get<KeySource>(KEY_SOURCE).keysFor(resolved.provider.id, {});
      const adapter = registry.adapterFor(resolved.format);
      const reply = await adapter.chat(
        { model: resolved.upstreamModel, messages: [{ role: 'user', content: `via ${name}` }] },
        creds!,
        { timeoutMs: resolved.timeoutMs, provider: resolved.provider.id },
      );
      expect(reply.choices[0]?.message.content).toBe(`echo: via ${name}`);
      expect(sim.requests.at(-1)?.apiKey).toBe('sim-env-key');
    }
    await app.close();
  });

  it('takes settings from an injected factory and lets a key source replace the environment one', async () => {
    const vault: KeySource = {
      isAvailable: (provider) => provider === 'mistral',
      keysFor: async () => [{ apiKey: 'vault-key', baseUrl: 'https://api.mistral.ai/v1', keyId: 'vault:1' }],
    };
    const app = await boot({ env: {}, aliases: {} }, { keySource: { useFactory: () => vault } });
    expect(app.get<KeySource>(KEY_SOURCE)).toBe(vault);
    expect(app.get(ModelResolver).resolve('mistral-small-latest').id).toBe('mistral/mistral-small-latest');
    expect(app.get(CatalogService).provider('mistral')?.name).toBe('Mistral AI');
    await app.close();
  });

  it('fails boot on a bad provider setting, naming the variable', async () => {
    await expect(boot({ env: { OPENAI_TIMEOUT_MS: 'ten' }, aliases: {} })).rejects.toThrow(
      ProvidersConfigError,
    );
  });

  it('fails boot on a broken catalog file, naming the file and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    cpSync(DEFAULT_CATALOG_DIR, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
    writeFileSync(join(dir, 'xai.json'), JSON.stringify({ id: 'xai' }));
    try {
      const failure = boot({ env: {}, aliases: {} }, { catalogDir: dir });
      await expect(failure).rejects.toThrow(CatalogValidationError);
      await expect(failure).rejects.toThrow(/xai\.json: name/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ProviderRegistry', () => {
  it('refuses two adapters for one wire format and a catalog format without an adapter', () => {
    const openai = new OpenAICompatibleAdapter(testOutboundPolicy());
    expect(() => new ProviderRegistry([openai, new OpenAICompatibleAdapter(testOutboundPolicy())])).toThrow(
      /Two provider adapters/,
    );
    expect(() => new ProviderRegistry([openai], CatalogService.fromDirectory())).toThrow(
      /which has no adapter/,
    );
  });
});
