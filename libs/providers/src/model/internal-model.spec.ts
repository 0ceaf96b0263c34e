import { describe, expect, it } from '@jest/globals';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { ProviderError } from '../provider.port.js';
import { toAnthropicRequest } from '../anthropic/anthropic.request.js';
import { toGeminiRequest } from '../gemini/gemini.request.js';
import { effortForBudget, stripInternalFields, thinkingOf } from './internal-model.js';

const chat = (extra: Record<string, unknown>): ChatCompletionCreateParams => ({
  model: 'm',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

describe('the internal model: reasoning_effort and thinking', () => {
  it('maps an effort to a thinking budget that fits max_tokens, and back', () => {
    expect(thinkingOf(chat({ reasoning_effort: 'low' }), undefined)).toEqual({
      type: 'enabled',
      budget_tokens: 2048,
    });
    expect(thinkingOf(chat({ reasoning_effort: 'high' }), 10_000)).toEqual({
      type: 'enabled',
      budget_tokens: 9_999,
    });
    expect(thinkingOf(chat({ reasoning_effort: 'minimal' }), undefined)).toEqual({ type: 'disabled' });
    expect(thinkingOf(chat({}), 100)).toBeUndefined();
    // `thinking` as sent wins.
    const thinking = { type: 'enabled', budget_tokens: 5000 } as const;
    expect(thinkingOf(chat({ thinking, reasoning_effort: 'low' }), undefined)).toBe(thinking);
    // No room to think: the caller's error, named.
    expect(thinkingOf(chat({ reasoning_effort: 'medium' }), 500)).toMatchObject({
      param: 'reasoning_effort',
    });
    for (const effort of ['low', 'medium', 'high'] as const) {
      const t = thinkingOf(chat({ reasoning_effort: effort }), undefined) as { budget_tokens: number };
      expect(effortForBudget(t.budget_tokens)).toBe(effort);
    }
  });

  it('Anthropic and Gemini requests think when a Chat or Responses caller asks for an effort', () => {
    expect(
      toAnthropicRequest(chat({ reasoning_effort: 'medium', max_tokens: 20_000 }), 'anthropic', 100).thinking,
    ).toEqual({
      type: 'enabled',
      budget_tokens: 8192,
    });
    expect(
      toAnthropicRequest(chat({ reasoning_effort: 'minimal' }), 'anthropic', 4096).thinking,
    ).toBeUndefined();
    expect(() =>
      toAnthropicRequest(chat({ reasoning_effort: 'high', max_tokens: 800 }), 'anthropic', 100),
    ).toThrow(ProviderError);
    const gemini = toGeminiRequest(chat({ reasoning_effort: 'low' }), 'gemini');
    expect(gemini.generationConfig?.thinkingConfig).toEqual({ thinkingBudget: 2048, includeThoughts: true });
    expect(
      toGeminiRequest(chat({ reasoning_effort: 'minimal' }), 'gemini').generationConfig?.thinkingConfig,
    ).toEqual({
      thinkingBudget: 0,
    });
  });

  it('strips the extensions for OpenAI-format upstreams', () => {
    const body = stripInternalFields({
      model: 'm',
      thinking: { type: 'enabled', budget_tokens: 2048 },
      top_k: 5,
      messages: [{ role: 'assistant', content: 'x', thinking_blocks: [{ type: 'thinking', thinking: 't' }] }],
    });
    expect(body).toEqual({ model: 'm', messages: [{ role: 'assistant', content: 'x' }] });
  });
});
