import { describe, expect, it } from '@jest/globals';
import { ConfigValidationError, loadConfig } from './app-config.js';

function problemsOf(raw: Record<string, string>): string[] {
  try {
    loadConfig(raw);
  } catch (err) {
    if (err instanceof ConfigValidationError) return err.problems;
    throw err;
  }
  return [];
}

describe('API_KEYS (decision 0018)', () => {
  it('is empty by default', () => {
    expect(loadConfig({}).auth.configuredApiKeys).toEqual([]);
  });

  it('splits on commas, trims, and drops empty entries and repeats', () => {
    const sut = loadConfig({ API_KEYS: ' test-key, other-key ,,test-key' });
    expect(sut.auth.configuredApiKeys).toEqual(['test-key', 'other-key']);
  });

  it('accepts short keys outside production', () => {
    expect(loadConfig({ NODE_ENV: 'test', API_KEYS: 'test-key' }).auth.configuredApiKeys).toEqual([
      'test-key',
    ]);
  });

  it('refuses a key shorter than 32 characters in production, without echoing it', () => {
    const long = 'k'.repeat(32);
    const problems = problemsOf({ NODE_ENV: 'production', API_KEYS: `${long},test-key` });
    const apiKeyProblems = problems.filter((p) => p.startsWith('API_KEYS'));
    expect(apiKeyProblems).toHaveLength(1);
    expect(apiKeyProblems[0]).toContain('API_KEYS #2 is 8 characters');
    expect(apiKeyProblems[0]).toContain('at least 32');
    expect(problems.join('\n')).not.toContain('test-key');
  });

  it('accepts keys of 32 characters or more in production', () => {
    const keys = ['a'.repeat(32), 'b'.repeat(48)];
    // Production needs a vault key too; with it, the config loads.
    const production = { NODE_ENV: 'production', VAULT_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };
    expect(problemsOf({ ...production, API_KEYS: keys.join(',') })).toEqual([]);
    expect(loadConfig({ ...production, API_KEYS: keys.join(',') }).auth.configuredApiKeys).toEqual(keys);
  });

  it('refuses a key with characters an HTTP header cannot carry', () => {
    expect(problemsOf({ API_KEYS: 'good-key,bad\u00e9key' })).toEqual([
      'API_KEYS #2 must be printable ASCII without spaces (it is sent in an HTTP header)',
    ]);
  });
});
