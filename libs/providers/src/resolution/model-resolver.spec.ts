import { describe, expect, it } from '@jest/globals';
import { InvalidRequestError, ModelNotFoundError } from '@switchyard/core';
import { CatalogService } from '../catalog/catalog.service.js';
import { EnvKeySource } from '../keys/env-key-source.js';
import { ProviderEnvironment } from '../keys/provider-environment.js';
import type { ProvidersSettings } from '../keys/providers.settings.js';
import { ModelResolver, type CapabilityRequest } from './model-resolver.js';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

function resolver(
  env: Record<string, string>,
  extra: Partial<ProvidersSettings> = {},
  catalog = CatalogService.fromDirectory(),
): ModelResolver {
  const settings: ProvidersSettings = { env, aliases: {}, ...extra };
  const environment = new ProviderEnvironment(settings, catalog);
  return new ModelResolver(catalog, new EnvKeySource(catalog, environment), environment, settings);
}

function notFound(run: () => unknown): ModelNotFoundError {
  try {
    run();
  } catch (error) {
    if (error instanceof ModelNotFoundError) return error;
    throw error;
  }
  throw new Error('resolved');
}

function invalid(run: () => unknown): InvalidRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('ModelResolver.resolve', () => {
  const all = resolver(
    {
      OPENAI_API_KEY: 'k',
      AZURE_OPENAI_API_KEY: 'k',
      AZURE_OPENAI_BASE_URL: 'https://res.openai.azure.com/openai/v1',
      ANTHROPIC_API_KEY: 'k',
      OPENROUTER_API_KEY: 'k',
      TOGETHER_API_KEY: 'k',
      GROQ_TIMEOUT_MS: '2000',
      GROQ_API_KEY: 'k',
      OLLAMA_BASE_URL: 'http://localhost:11434/v1',
    },
    {
      aliases: { fast: 'openai/gpt-4o-mini', cheapest: 'fast', loop: 'loop2', loop2: 'loop' },
      simulatorUrl: 'http://sim',
    },
  );

  it('resolves provider/model explicitly', () => {
    expect(all.resolve('openai/gpt-4o-mini')).toMatchObject({
      id: 'openai/gpt-4o-mini',
      requested: 'openai/gpt-4o-mini',
      format: 'openai',
      upstreamModel: 'gpt-4o-mini',
      timeoutMs: 600000,
      provider: { id: 'openai' },
      model: { id: 'gpt-4o-mini' },
    });
    expect(all.resolve('azure-openai/gpt-4o').provider.id).toBe('azure-openai');
    expect(all.resolve('groq/llama-3.3-70b-versatile').timeoutMs).toBe(2000);
  });

  it('resolves provider/alias to the model id sent upstream', () => {
    expect(all.resolve('anthropic/claude-sonnet-4-5')).toMatchObject({
      id: 'anthropic/claude-sonnet-4-5-20250929',
      upstreamModel: 'claude-sonnet-4-5-20250929',
    });
  });

  it('resolves a bare id to the first available provider in catalog order', () => {
    expect(all.resolve('gpt-4o').id).toBe('openai/gpt-4o');
    const azureOnly = resolver({
      AZURE_OPENAI_API_KEY: 'k',
      AZURE_OPENAI_BASE_URL: 'https://r.openai.azure.com/openai/v1',
    });
    expect(azureOnly.resolve('gpt-4o').id).toBe('azure-openai/gpt-4o');
    expect(all.resolve('sim-gpt').id).toBe('simulator/sim-gpt');
    expect(all.resolve('sim-claude').format).toBe('anthropic');
  });

  it('resolves vendor-style ids that contain a slash', () => {
    expect(all.resolve('meta-llama/Llama-3.3-70B-Instruct-Turbo').id).toBe(
      'together/meta-llama/Llama-3.3-70B-Instruct-Turbo',
    );
    expect(all.resolve('groq/openai/gpt-oss-120b').upstreamModel).toBe('openai/gpt-oss-120b');
    expect(all.resolve('openai/gpt-oss-120b').id).toBe('groq/openai/gpt-oss-120b');
    const routerOnly = resolver({ OPENROUTER_API_KEY: 'k' });
    expect(routerOnly.resolve('openai/gpt-4o-mini').id).toBe('openrouter/openai/gpt-4o-mini');
  });

  it('resolves catalog aliases and operator aliases (chains too)', () => {
    expect(all.resolve('claude-haiku-4-5').id).toBe('anthropic/claude-haiku-4-5-20251001');
    expect(all.resolve('fast')).toMatchObject({ id: 'openai/gpt-4o-mini', requested: 'fast' });
    expect(all.resolve('cheapest').id).toBe('openai/gpt-4o-mini');
    expect(() => all.resolve('loop')).toThrow(ModelNotFoundError);
  });

  it('accepts unlisted models of providers that serve any (local servers, simulator faults)', () => {
    expect(all.resolve('ollama/deepseek-r1:8b')).toMatchObject({
      id: 'ollama/deepseek-r1:8b',
      upstreamModel: 'deepseek-r1:8b',
      model: { pricing: { inputPerMTok: '0' } },
    });
    expect(all.resolve('simulator/sim-gpt-fault-503').upstreamModel).toBe('sim-gpt-fault-503');
    expect(() => all.resolve('openai/gpt-9')).toThrow(ModelNotFoundError);
  });

  it('answers an unknown model with model_not_found', () => {
    const error = notFound(() => all.resolve('no-such-model'));
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    expect(error.message).toContain("'no-such-model'");
    expect(() => all.resolve('')).toThrow(ModelNotFoundError);
    expect(() => all.resolve('nope/gpt-4o')).toThrow(ModelNotFoundError);
  });

  it('treats a model whose provider is unavailable as not found, unless the request brings a key', () => {
    const none = resolver({});
    expect(() => none.resolve('gpt-4o')).toThrow(ModelNotFoundError);
    expect(() => none.resolve('mistral/mistral-large-latest')).toThrow(ModelNotFoundError);
    expect(() => none.resolve('ollama/llama3.2')).toThrow(ModelNotFoundError);
    expect(() => none.resolve('sim-gpt')).toThrow(ModelNotFoundError);
    expect(none.resolve('mistral/mistral-large-latest', { requestKey: 'byo' }).id).toBe(
      'mistral/mistral-large-latest',
    );
    expect(none.resolve('gpt-4o', { requestKey: 'byo' }).id).toBe('openai/gpt-4o');
    expect(none.tryResolve('gpt-4o')).toBeNull();
  });

  it("resolves a provider's id to its default chat model and `image` to a vision chat model", () => {
    expect(all.resolve('openai').id).toBe('openai/gpt-4o-mini');
    expect(all.resolve('anthropic').id).toBe('anthropic/claude-sonnet-4-5-20250929');
    expect(all.resolve('simulator').id).toBe('simulator/sim-gpt');
    const image = all.resolve('image');
    expect(image.model.capabilities).toEqual(expect.arrayContaining(['chat', 'vision']));
    // An operator alias wins over the built-in ones.
    const aliased = resolver(
      { OPENAI_API_KEY: 'k' },
      { aliases: { image: 'openai/gpt-4o', openai: 'gpt-5' } },
    );
    expect(aliased.resolve('image').id).toBe('openai/gpt-4o');
    expect(aliased.resolve('openai').id).toBe('openai/gpt-5');
    // Without a key for the provider, the name is not found, and the message says why.
    const error = notFound(() => resolver({}).resolve('gemini'));
    expect(error.message).toContain('gemini/gemini-2.5-flash');
    expect(() => resolver({}).resolve('image')).toThrow(ModelNotFoundError);
  });

  it('resolves retired OpenAI names to current models', () => {
    expect(all.resolve('gpt-3.5-turbo').id).toBe('openai/gpt-4o-mini');
    expect(all.resolve('gpt-4').id).toBe('openai/gpt-4o');
    expect(all.resolve('text-embedding-ada-002').id).toBe('openai/text-embedding-ada-002');
  });

  it('sends a bare name no catalog lists to the default local provider when it is configured', () => {
    const local = { defaultLocalProvider: 'ollama' };
    const withOllama = resolver({ OLLAMA_BASE_URL: 'http://localhost:11434/v1' }, local);
    expect(withOllama.resolve('llama2')).toMatchObject({ id: 'ollama/llama2', upstreamModel: 'llama2' });
    expect(withOllama.resolve('mistral').id).toBe('ollama/mistral');
    // A listed name whose provider has no key is not taken by the local server.
    expect(() => withOllama.resolve('gpt-4o')).toThrow(ModelNotFoundError);
    const error = notFound(() => resolver({}, local).resolve('llama2'));
    expect(error.message).toContain("'ollama/llama2'");
    expect(error.message).toContain('OLLAMA_BASE_URL');
    expect(notFound(() => resolver({}, local).resolve('gpt-4o')).message).toContain('openai/gpt-4o');
    // A caller's own key makes Ollama reachable for `ollama/...`, but does not configure it as the
    // destination of every unknown name.
    expect(() => resolver({}, local).resolve('llama2', { requestKey: 'k' })).toThrow(ModelNotFoundError);
    expect(resolver({}, local).resolve('ollama/llama2', { requestKey: 'k' }).id).toBe('ollama/llama2');
  });

  it('never resolves a disabled model', () => {
    const catalog = CatalogService.fromDirectory();
    const sut = resolver({ OPENAI_API_KEY: 'k' }, {}, catalog);
    catalog.applyOverrides([{ provider: 'openai', model: 'gpt-4o', disabled: true }]);
    expect(() => sut.resolve('gpt-4o')).toThrow(ModelNotFoundError);
    expect(() => sut.resolve('openai/gpt-4o')).toThrow(ModelNotFoundError);
  });
});

describe('ModelResolver.assertSupports', () => {
  const sut = resolver({}, { simulatorUrl: 'http://sim' });
  const chat = (body: Extract<CapabilityRequest, { operation: 'chat' }>['body']): CapabilityRequest => ({
    operation: 'chat',
    body,
  });
  const hi = [{ role: 'user' as const, content: 'hi' }];

  it('accepts what the model can do', () => {
    const gpt = sut.resolve('sim-gpt');
    const withImage = [
      { role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: PNG } }] },
    ];
    expect(() =>
      sut.assertSupports(
        gpt,
        chat({ messages: withImage, tools: [], response_format: { type: 'json_object' }, stream: true }),
      ),
    ).not.toThrow();
    expect(() => sut.assertSupports(sut.resolve('sim-embed'), { operation: 'embeddings' })).not.toThrow();
  });

  it('takes a message without content (a body validation did not see) without throwing', () => {
    const messages = [
      { role: 'user', content: null },
      { role: 'user' },
      { role: 'assistant', content: null },
    ] as unknown as typeof hi;
    expect(() => sut.assertSupports(sut.resolve('sim-gpt'), chat({ messages }))).not.toThrow();
  });

  it('refuses image parts to a model without vision, pointing at the part and at a model that has it', () => {
    const error = invalid(() =>
      sut.assertSupports(
        sut.resolve('sim-text'),
        chat({
          messages: [
            { role: 'system', content: 'x' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'see' },
                { type: 'image_url', image_url: { url: PNG } },
              ],
            },
          ],
        }),
      ),
    );
    expect(error).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param: 'messages[1].content[1]',
    });
    expect(error.message).toBe(
      "The model 'simulator/sim-text' does not support image inputs. Try 'simulator/sim-gpt', which does.",
    );
  });

  it.each([
    [
      'tools',
      chat({ messages: hi, tools: [{ type: 'function', function: { name: 'f' } }] }),
      'tools',
      /tools/,
    ],
    [
      'JSON mode',
      chat({ messages: hi, response_format: { type: 'json_object' } }),
      'response_format',
      /JSON mode/,
    ],
  ])('refuses %s to a model without it', (_what, request, param, words) => {
    const error = invalid(() => sut.assertSupports(sut.resolve('sim-text'), request));
    expect(error.param).toBe(param);
    expect(error.message).toMatch(words);
    expect(error.message).toContain("'simulator/sim-gpt'");
  });

  it('refuses chat to a non-chat model and embeddings to a non-embeddings model', () => {
    const chatError = invalid(() => sut.assertSupports(sut.resolve('sim-embed'), chat({ messages: hi })));
    expect(chatError.param).toBe('model');
    expect(chatError.message).toMatch(/does not support chat completions\. Try 'simulator\/sim-gpt'/);
    const embedError = invalid(() => sut.assertSupports(sut.resolve('sim-gpt'), { operation: 'embeddings' }));
    expect(embedError.param).toBe('model');
    expect(embedError.message).toContain("Try 'simulator/sim-embed'");
  });

  it('names no alternative when the caller has none available', () => {
    const anthropicOnly = resolver({ ANTHROPIC_API_KEY: 'k' });
    const error = invalid(() =>
      anthropicOnly.assertSupports(anthropicOnly.resolve('claude-haiku-4-5'), { operation: 'embeddings' }),
    );
    expect(error.message).toBe(
      "The model 'anthropic/claude-haiku-4-5-20251001' does not support embeddings.",
    );
  });
});
