import { describe, expect, it } from '@jest/globals';
import { CatalogService } from './catalog.service.js';
import { ModelNotPricedError, hasPrice, pricingGaps, unpricedFor, type PricedTerms } from './pricing-gaps.js';

describe('pricing gaps', () => {
  it.each([
    ['0', false],
    ['0.000', false],
    ['000.0', false],
    [undefined, false],
    ['0.000001', true],
    ['15', true],
    ['10.00', true],
  ])('hasPrice(%j) is %s', (price, expected) => {
    expect(hasPrice(price)).toBe(expected);
  });

  it.each<[string, PricedTerms, string[]]>([
    [
      'a priced chat model',
      { capabilities: ['chat', 'tools'], pricing: { inputPerMTok: '1', outputPerMTok: '2' } },
      [],
    ],
    [
      'a chat model with no output price',
      { capabilities: ['chat'], pricing: { inputPerMTok: '1', outputPerMTok: '0' } },
      ['output tokens'],
    ],
    [
      'an embedding model needs only input',
      { capabilities: ['embeddings'], pricing: { inputPerMTok: '0.1', outputPerMTok: '0' } },
      [],
    ],
    [
      'an image model needs a per-image price',
      { capabilities: ['images'], pricing: { inputPerMTok: '5', outputPerMTok: '40' } },
      ['images'],
    ],
    [
      'speech and transcription',
      {
        capabilities: ['audio_speech', 'audio_transcription'],
        pricing: { inputPerMTok: '0', outputPerMTok: '0', perAudioMinute: '0.006' },
      },
      ['characters'],
    ],
    [
      'a free model has no gaps',
      {
        capabilities: ['chat', 'embeddings'],
        pricing: { inputPerMTok: '0', outputPerMTok: '0' },
        free: true,
      },
      [],
    ],
  ])('%s', (_name, model, gaps) => {
    expect(pricingGaps(model)).toEqual(gaps);
  });

  it('judges a call by what it uses, not by what the model serves', () => {
    const model = { pricing: { inputPerMTok: '0', outputPerMTok: '0', perImage: '0.04' } };
    expect(unpricedFor(model, ['images'])).toEqual([]);
    expect(unpricedFor(model, ['input tokens', 'output tokens'])).toEqual(['input tokens', 'output tokens']);
  });

  it('names the model and what is unpriced in the 400', () => {
    const error = new ModelNotPricedError('vllm/llama', ['output tokens']);
    expect(error.status).toBe(400);
    expect(error.toEnvelope()).toEqual({
      error: {
        message:
          "The model 'vllm/llama' has no price for output tokens, so it cannot be charged for. " +
          'An operator must price it or mark it free.',
        type: 'invalid_request_error',
        code: 'model_not_priced',
        param: 'model',
        unpriced: ['output tokens'],
      },
    });
  });

  it('the shipped catalog: local servers are free, the simulators priced', () => {
    const catalog = CatalogService.fromDirectory();
    for (const id of ['ollama', 'vllm', 'lmstudio']) {
      const provider = catalog.provider(id)!;
      expect(provider.unlistedModels?.free).toBe(true);
      for (const model of provider.models) expect(model.free).toBe(true);
    }
    for (const id of ['simulator', 'simulator-anthropic', 'simulator-gemini']) {
      for (const model of catalog.provider(id)!.models) {
        expect(model.free).toBeUndefined();
        expect(pricingGaps(model)).toEqual([]);
      }
    }
    const gaps = catalog
      .providers()
      .flatMap((p) => p.models.filter((m) => pricingGaps(m).length > 0).map((m) => `${p.id}/${m.id}`));
    expect(gaps).toEqual(['gemini/text-embedding-004']);
  });

  it('an override marks a model free or takes the mark away', () => {
    const catalog = CatalogService.fromDirectory();
    catalog.applyOverrides([
      { provider: 'simulator', model: 'sim-gpt', free: true },
      { provider: 'ollama', model: 'llama3.2', free: false },
    ]);
    expect(catalog.model('simulator', 'sim-gpt')?.free).toBe(true);
    expect(pricingGaps(catalog.model('ollama', 'llama3.2')!)).toEqual(['input tokens', 'output tokens']);
    catalog.applyOverrides([]);
    expect(catalog.model('ollama', 'llama3.2')?.free).toBe(true);
  });
});
