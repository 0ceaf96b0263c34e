import { describe, expect, it } from '@jest/globals';
import { normaliseBaseUrl, ollamaTagsUrl, runtimeIdProblem, wireFormatOf } from './runtime-provider.js';

describe('normaliseBaseUrl', () => {
  it.each([
    ['ollama', 'http://10.0.0.5:11434', 'http://10.0.0.5:11434/v1'],
    ['ollama', 'http://10.0.0.5:11434/', 'http://10.0.0.5:11434/v1'],
    ['ollama', 'http://10.0.0.5:11434/api', 'http://10.0.0.5:11434/v1'],
    ['ollama', 'http://10.0.0.5:11434/v1/', 'http://10.0.0.5:11434/v1'],
    ['ollama', 'https://proxy.example.com/ollama', 'https://proxy.example.com/ollama/v1'],
    ['openai', 'https://vllm.example.com/v1/', 'https://vllm.example.com/v1'],
    ['openai', 'https://vllm.example.com', 'https://vllm.example.com'],
    [
      'openai',
      'https://res.openai.azure.com/openai?api-version=2024-10-21',
      'https://res.openai.azure.com/openai?api-version=2024-10-21',
    ],
    ['anthropic', 'https://api.anthropic.com/v1', 'https://api.anthropic.com'],
    ['anthropic', 'https://claude-proxy.example.com/', 'https://claude-proxy.example.com'],
    [
      'gemini',
      'https://generativelanguage.googleapis.com/v1beta/',
      'https://generativelanguage.googleapis.com/v1beta',
    ],
  ] as const)('%s %s -> %s', (format, raw, expected) => {
    expect(normaliseBaseUrl(format, raw)).toBe(expected);
  });

  it('throws on what is not a URL', () => {
    expect(() => normaliseBaseUrl('openai', 'not a url')).toThrow();
  });
});

describe('runtime provider ids and formats', () => {
  it('accepts slugs, refuses the rest and the simulator names', () => {
    expect(runtimeIdProblem('lab-ollama')).toBeUndefined();
    expect(runtimeIdProblem('vllm2')).toBeUndefined();
    expect(runtimeIdProblem('Lab')).toMatch(/lower-case/);
    expect(runtimeIdProblem('a/b')).toMatch(/lower-case/);
    expect(runtimeIdProblem('-x')).toMatch(/lower-case/);
    expect(runtimeIdProblem('x'.repeat(64))).toMatch(/1-63/);
    expect(runtimeIdProblem('simulator')).toMatch(/reserved/);
    expect(runtimeIdProblem('simulator-x')).toMatch(/reserved/);
  });

  it('serves ollama with the OpenAI-compatible adapter and lists its tags beside /v1', () => {
    expect(wireFormatOf('ollama')).toBe('openai');
    expect(wireFormatOf('anthropic')).toBe('anthropic');
    expect(ollamaTagsUrl('http://10.0.0.5:11434/v1')).toBe('http://10.0.0.5:11434/api/tags');
    expect(ollamaTagsUrl('https://proxy.example.com/ollama/v1')).toBe(
      'https://proxy.example.com/ollama/api/tags',
    );
  });
});
