import { describe, expect, it } from '@jest/globals';
import { InvalidRequestError, parseCredits } from '@switchyard/core';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogValidationError, DEFAULT_CATALOG_DIR, loadCatalog } from './catalog.loader.js';
import { CatalogService } from './catalog.service.js';

const REQUIRED = [
  'openai',
  'azure-openai',
  'mistral',
  'xai',
  'perplexity',
  'deepseek',
  'groq',
  'together',
  'openrouter',
  'ollama',
  'vllm',
  'huggingface',
  'lmstudio',
  'gemini',
  'anthropic',
  'simulator',
  'simulator-gemini',
  'simulator-anthropic',
  'cohere',
  'gigachat',
  'simulator-cohere',
  'simulator-gigachat',
];

/** A copy of the shipped catalog in a temp dir with one file changed; returns the dir. */
function brokenCatalog(file: string, edit: (json: Record<string, unknown>) => unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  cpSync(DEFAULT_CATALOG_DIR, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  const path = join(dir, file);
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify(edit(json) ?? json));
  return dir;
}

function loadError(dir: string): CatalogValidationError {
  try {
    loadCatalog(dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    if (error instanceof CatalogValidationError) return error;
    throw error;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('the catalog loaded');
}

type ModelJson = Record<string, unknown> & { pricing: Record<string, unknown> };
const firstModel = (json: Record<string, unknown>): ModelJson => (json.models as ModelJson[])[0]!;

describe('CatalogService', () => {
  const sut = CatalogService.fromDirectory();

  it('ships every provider, each file valid, in priority order', () => {
    const ids = sut.providers().map((p) => p.id);
    expect([...ids].sort()).toEqual([...REQUIRED].sort());
    const priorities = sut.providers().map((p) => p.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
    expect(ids.slice(0, 3).sort()).toEqual(['anthropic', 'gemini', 'openai']);
  });

  it('names env variables after the id and marks local servers keyless', () => {
    expect(sut.provider('azure-openai')?.env).toEqual({
      apiKey: 'AZURE_OPENAI_API_KEY',
      baseUrl: 'AZURE_OPENAI_BASE_URL',
      timeoutMs: 'AZURE_OPENAI_TIMEOUT_MS',
    });
    const keyless = sut
      .providers()
      .filter((p) => !p.keyRequired)
      .map((p) => p.id);
    expect(keyless.sort()).toEqual([
      'lmstudio',
      'ollama',
      'simulator',
      'simulator-anthropic',
      'simulator-cohere',
      'simulator-gemini',
      'simulator-gigachat',
      'vllm',
    ]);
  });

  it('is documented: every provider has its row in the README table', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../../../docs/providers.md'), 'utf8');
    for (const provider of sut.providers()) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${provider.id}\` `));
      expect({ id: provider.id, row }).toEqual({
        id: provider.id,
        row: expect.stringContaining(provider.env.apiKey),
      });
      expect(row).toContain(` ${provider.format} `);
    }
  });

  it('prices every model in decimal credits core can parse', () => {
    for (const provider of sut.providers()) {
      for (const model of provider.models) {
        for (const price of Object.values(model.pricing))
          expect(parseCredits(price)).toBeGreaterThanOrEqual(0n);
      }
    }
  });

  it('lists the simulator models with the capabilities tests rely on', () => {
    expect(sut.model('simulator', 'sim-gpt')?.capabilities).toEqual(
      expect.arrayContaining(['chat', 'tools', 'vision', 'json_mode', 'streaming']),
    );
    expect(sut.model('simulator', 'sim-text')?.capabilities).toEqual(['chat', 'streaming']);
    expect(sut.model('simulator', 'sim-embed')?.capabilities).toEqual(['embeddings']);
    expect(sut.provider('simulator-gemini')).toMatchObject({ format: 'gemini' });
    expect(sut.model('simulator-gemini', 'sim-gemini')).toBeDefined();
    expect(sut.provider('simulator-anthropic')).toMatchObject({ format: 'anthropic' });
    expect(sut.model('simulator-anthropic', 'sim-claude')).toBeDefined();
  });

  it('finds a model by its alias', () => {
    expect(sut.model('anthropic', 'claude-sonnet-4-5')?.id).toBe('claude-sonnet-4-5-20250929');
    expect(sut.withAlias('claude-sonnet-4-5').map((e) => e.provider.id)).toEqual(['anthropic']);
    expect(sut.withModelId('gpt-4o').map((e) => e.provider.id)).toEqual(['openai', 'azure-openai']);
  });

  it('knows the default output limit per wire format', () => {
    expect(sut.defaultMaxOutputTokens('anthropic', 'claude-3-5-haiku-20241022')).toBe(8192);
    expect(sut.defaultMaxOutputTokens('anthropic', 'sim-claude', 'simulator-anthropic')).toBe(8192);
    expect(sut.defaultMaxOutputTokens('anthropic', 'gpt-4o')).toBeUndefined();
  });

  describe('overrides', () => {
    it('applies pricing and limits, replaces the previous set and reports unknown models', () => {
      const catalog = CatalogService.fromDirectory();
      const result = catalog.applyOverrides([
        { provider: 'openai', model: 'gpt-4o', pricing: { inputPerMTok: '9.5' }, contextWindow: 1000 },
        { provider: 'openai', model: 'gpt-0', disabled: true },
      ]);
      expect(result).toEqual({ applied: 1, unknown: [{ provider: 'openai', model: 'gpt-0' }] });
      expect(catalog.model('openai', 'gpt-4o')).toMatchObject({
        contextWindow: 1000,
        pricing: { inputPerMTok: '9.5', outputPerMTok: '10.00' },
      });
      catalog.applyOverrides([]);
      expect(catalog.model('openai', 'gpt-4o')?.pricing.inputPerMTok).toBe('2.50');
    });

    it('disables a model: listed and flagged, never found for resolution', () => {
      const catalog = CatalogService.fromDirectory();
      catalog.applyOverrides([{ provider: 'openai', model: 'gpt-4o', disabled: true }]);
      expect(catalog.model('openai', 'gpt-4o')?.disabled).toBe(true);
      expect(catalog.entry('openai', 'gpt-4o')).toBeUndefined();
      expect(catalog.withModelId('gpt-4o').map((e) => e.provider.id)).toEqual(['azure-openai']);
    });

    it('rejects an invalid override naming its field', () => {
      const catalog = CatalogService.fromDirectory();
      const attempt = () =>
        catalog.applyOverrides([{ provider: 'openai', model: 'gpt-4o', pricing: { outputPerMTok: '1e3' } }]);
      expect(attempt).toThrow(InvalidRequestError);
      expect(attempt).toThrow(expect.objectContaining({ param: 'overrides[0].pricing.outputPerMTok' }));
    });
  });

  describe('a broken catalog fails boot naming the file and the field', () => {
    it.each([
      [
        'a number where a price string belongs',
        (j: Record<string, unknown>) => void (firstModel(j).pricing.inputPerMTok = 2.5),
        'models[0].pricing.inputPerMTok',
      ],
      [
        'an unknown capability',
        (j: Record<string, unknown>) => void (firstModel(j).capabilities = ['chat', 'telepathy']),
        'models[0].capabilities',
      ],
      [
        'an unknown field',
        (j: Record<string, unknown>) => void (firstModel(j).colour = 'red'),
        'models[0].colour',
      ],
      ['an unknown wire format', (j: Record<string, unknown>) => void (j.format = 'soap'), 'format'],
      [
        'a missing context window',
        (j: Record<string, unknown>) => void delete firstModel(j).contextWindow,
        'models[0].contextWindow',
      ],
      ['an id that is not the file name', (j: Record<string, unknown>) => void (j.id = 'openai2'), 'id'],
      [
        'an env name off the convention',
        (j: Record<string, unknown>) => void ((j.env as Record<string, string>).apiKey = 'OPENAI_KEY'),
        'env.apiKey',
      ],
      [
        'a model listed twice',
        (j: Record<string, unknown>) => void (j.models as unknown[]).push(firstModel(j)),
        'models[20].id',
      ],
      [
        'a model with no operation',
        (j: Record<string, unknown>) => void (firstModel(j).capabilities = ['vision']),
        'models[0].capabilities',
      ],
    ])('%s', (_what, edit, field) => {
      const error = loadError(brokenCatalog('openai.json', edit));
      expect(error.file).toMatch(/openai\.json$/);
      expect(error.field).toBe(field);
      expect(error.message).toContain('openai.json');
      expect(error.message).toContain(field);
    });

    it('a file that is not JSON', () => {
      const dir = brokenCatalog('groq.json', () => undefined);
      writeFileSync(join(dir, 'groq.json'), '{ "id": "groq", ');
      const error = loadError(dir);
      expect(error.file).toMatch(/groq\.json$/);
      expect(error.field).toBe('(file)');
    });
  });
});
