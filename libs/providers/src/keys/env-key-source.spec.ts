import { describe, expect, it } from '@jest/globals';
import { CatalogService } from '../catalog/catalog.service.js';
import { EnvKeySource, KEYLESS_PLACEHOLDER } from './env-key-source.js';
import { ProviderEnvironment } from './provider-environment.js';
import { ProvidersConfigError, type ProvidersSettings } from './providers.settings.js';

const catalog = CatalogService.fromDirectory();

function source(env: Record<string, string | undefined>, simulatorUrl?: string): EnvKeySource {
  const settings: ProvidersSettings = { env, aliases: {}, ...(simulatorUrl ? { simulatorUrl } : {}) };
  return new EnvKeySource(catalog, new ProviderEnvironment(settings, catalog));
}

describe('EnvKeySource', () => {
  it('makes a provider available with its <ID>_API_KEY, at the catalog base URL', async () => {
    const sut = source({ OPENAI_API_KEY: 'sk-env-1', GROQ_API_KEY: '  ' });
    expect(sut.isAvailable('openai', {})).toBe(true);
    expect(sut.isAvailable('groq', {})).toBe(false);
    expect(sut.isAvailable('mistral', {})).toBe(false);
    expect(await sut.keysFor('openai', {})).toEqual([
      { apiKey: 'sk-env-1', baseUrl: 'https://api.openai.com/v1', keyId: 'env:OPENAI_API_KEY' },
    ]);
    expect(await sut.keysFor('mistral', {})).toEqual([]);
  });

  it('reads only the settings, never process.env', () => {
    process.env.MISTRAL_API_KEY = 'from-process-env';
    try {
      expect(source({}).isAvailable('mistral', {})).toBe(false);
    } finally {
      delete process.env.MISTRAL_API_KEY;
    }
  });

  it('honours <ID>_BASE_URL', async () => {
    const sut = source({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'https://proxy.example/v1' });
    expect((await sut.keysFor('openai', {}))[0]?.baseUrl).toBe('https://proxy.example/v1');
  });

  it('uses a keyless local server only once its base URL is set', async () => {
    expect(source({}).isAvailable('ollama', {})).toBe(false);
    const sut = source({ OLLAMA_BASE_URL: 'http://gpu-box:11434/v1' });
    expect(sut.isAvailable('ollama', {})).toBe(true);
    expect(await sut.keysFor('ollama', {})).toEqual([
      { apiKey: KEYLESS_PLACEHOLDER, baseUrl: 'http://gpu-box:11434/v1', keyId: 'env:keyless' },
    ]);
  });

  it('makes the simulators available exactly when a simulator URL is set', async () => {
    expect(source({}).isAvailable('simulator', {})).toBe(false);
    expect(source({}).isAvailable('simulator', { requestKey: 'k' })).toBe(false);
    const sut = source({}, 'http://127.0.0.1:9999/');
    expect(sut.isAvailable('simulator', {})).toBe(true);
    expect((await sut.keysFor('simulator', {}))[0]?.baseUrl).toBe('http://127.0.0.1:9999/v1');
    expect((await sut.keysFor('simulator-gemini', {}))[0]?.baseUrl).toBe('http://127.0.0.1:9999/v1beta');
    expect((await sut.keysFor('simulator-anthropic', {}))[0]?.baseUrl).toBe('http://127.0.0.1:9999');
    const keyed = source({ SIMULATOR_API_KEY: 'sim-key' }, 'http://127.0.0.1:9999');
    expect((await keyed.keysFor('simulator', {}))[0]?.apiKey).toBe('sim-key');
  });

  it("puts the request's own key first and makes its provider usable", async () => {
    const sut = source({ ANTHROPIC_API_KEY: 'sk-ant-env' });
    expect(sut.isAvailable('mistral', { requestKey: 'byo' })).toBe(true);
    expect(await sut.keysFor('mistral', { requestKey: 'byo' })).toEqual([
      { apiKey: 'byo', baseUrl: 'https://api.mistral.ai/v1', keyId: 'request' },
    ]);
    expect((await sut.keysFor('anthropic', { requestKey: 'byo' })).map((k) => k.keyId)).toEqual([
      'request',
      'env:ANTHROPIC_API_KEY',
    ]);
    expect(await sut.keysFor('anthropic', { requestKey: 'sk-ant-env' })).toHaveLength(1);
  });

  it('needs a base URL for Azure, whose default is only a template', () => {
    expect(source({ AZURE_OPENAI_API_KEY: 'k' }).isAvailable('azure-openai', {})).toBe(false);
    expect(source({}).isAvailable('azure-openai', { requestKey: 'k' })).toBe(false);
    const sut = source({
      AZURE_OPENAI_API_KEY: 'k',
      AZURE_OPENAI_BASE_URL: 'https://res.openai.azure.com/openai/v1',
    });
    expect(sut.isAvailable('azure-openai', {})).toBe(true);
  });

  it('knows nothing of providers outside the catalog', async () => {
    const sut = source({ NOPE_API_KEY: 'k' });
    expect(sut.isAvailable('nope', { requestKey: 'k' })).toBe(false);
    expect(await sut.keysFor('nope', { requestKey: 'k' })).toEqual([]);
  });
});

describe('ProviderEnvironment', () => {
  const settings = (env: Record<string, string>): ProvidersSettings => ({ env, aliases: {} });

  it('takes timeouts from <ID>_TIMEOUT_MS, else the catalog', () => {
    const sut = new ProviderEnvironment(settings({ GROQ_TIMEOUT_MS: '1500' }), catalog);
    expect(sut.timeoutMs('groq')).toBe(1500);
    const long = new ProviderEnvironment(settings({ GROQ_TIMEOUT_MS: '3600000' }), catalog);
    expect(long.timeoutMs('groq')).toBe(3_600_000);
    expect(sut.timeoutMs('openai')).toBe(catalog.provider('openai')?.timeoutMs);
  });

  it.each([
    [{ GROQ_TIMEOUT_MS: 'soon' }, 'GROQ_TIMEOUT_MS'],
    [{ GROQ_TIMEOUT_MS: '0' }, 'GROQ_TIMEOUT_MS'],
    [{ GROQ_TIMEOUT_MS: '3600001' }, 'GROQ_TIMEOUT_MS'],
    [{ OLLAMA_BASE_URL: 'localhost:11434' }, 'OLLAMA_BASE_URL'],
  ])('fails boot on %j, naming %s', (env, variable) => {
    expect(() => new ProviderEnvironment(settings(env), catalog)).toThrow(ProvidersConfigError);
    expect(() => new ProviderEnvironment(settings(env), catalog)).toThrow(new RegExp(`^${variable} `));
  });

  it('fails boot on a simulator URL that is not a URL', () => {
    expect(() => new ProviderEnvironment({ env: {}, aliases: {}, simulatorUrl: 'nope' }, catalog)).toThrow(
      ProvidersConfigError,
    );
  });
});
