import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/app-config.js';

describe('the log format', () => {
  it('is readable lines outside production and JSON in production, unless LOG_FORMAT says', () => {
    expect(loadConfig({}).log.format).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'test' }).log.format).toBe('pretty');
    expect(
      loadConfig({ NODE_ENV: 'production', VAULT_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }).log
        .format,
    ).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'json' }).log.format).toBe('json');
    expect(loadConfig({ LOG_FORMAT: '' }).log.format).toBe('pretty');
  });
});
