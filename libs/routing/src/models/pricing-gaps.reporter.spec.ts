import { describe, expect, it, jest } from '@jest/globals';
import { CatalogService } from '@switchyard/providers';
import { PricingGapsReporter, catalogGaps } from './pricing-gaps.reporter.js';

describe('PricingGapsReporter', () => {
  it('lists the gaps of models and unlisted-model terms, skipping free and disabled models', () => {
    const catalog = CatalogService.fromDirectory();
    catalog.applyOverrides([
      { provider: 'simulator', model: 'sim-gpt', pricing: { outputPerMTok: '0' } },
      { provider: 'simulator', model: 'sim-image', pricing: { perImage: '0' }, disabled: true },
      { provider: 'ollama', model: 'llava', free: false },
    ]);
    const gaps = catalogGaps(catalog.providers());
    expect(gaps).toEqual(
      expect.arrayContaining([
        { model: 'gemini/text-embedding-004', unpriced: ['input tokens'] },
        { model: 'simulator/sim-gpt', unpriced: ['output tokens'] },
        { model: 'ollama/llava', unpriced: ['input tokens', 'output tokens'] },
      ]),
    );
    expect(gaps).toHaveLength(3);
  });

  it('warns once at start naming every gap, and says nothing when there is none', () => {
    const catalog = CatalogService.fromDirectory();
    const sut = new PricingGapsReporter(catalog);
    const warn = jest.spyOn(sut['logger'], 'warn').mockImplementation(() => undefined);
    sut.onApplicationBootstrap();
    expect(warn).toHaveBeenCalledTimes(1);
    const [fields, message] = warn.mock.calls[0] as [unknown, string];
    expect(fields).toEqual({
      unpriced: [{ model: 'gemini/text-embedding-004', unpriced: ['input tokens'] }],
    });
    expect(message).toContain('1 model(s) have no price');
    expect(message).toContain('gemini/text-embedding-004 (input tokens)');

    catalog.applyOverrides([{ provider: 'gemini', model: 'text-embedding-004', free: true }]);
    warn.mockClear();
    sut.onApplicationBootstrap();
    expect(warn).not.toHaveBeenCalled();
  });
});
