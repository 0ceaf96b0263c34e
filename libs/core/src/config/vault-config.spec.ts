import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ConfigValidationError, loadConfig } from './app-config.js';

const key = () => randomBytes(32).toString('base64');

describe('vault and activity log configuration', () => {
  it('decodes the master key and the previous keys', () => {
    const [current, old1, old2] = [key(), key(), key()];
    const config = loadConfig({ VAULT_MASTER_KEY: current, VAULT_PREVIOUS_KEYS: ` ${old1}, ${old2} ` });
    expect(config.vault.masterKey?.toString('base64')).toBe(current);
    expect(config.vault.previousKeys.map((k) => k.toString('base64'))).toEqual([old1, old2]);
    expect(config.activityLog).toEqual({ retentionDays: 90, flushMs: 1000 });
  });

  it('leaves the master key unset outside production (the vault generates one)', () => {
    expect(loadConfig({}).vault.masterKey).toBeUndefined();
  });

  it('refuses to start in production without a master key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /VAULT_MASTER_KEY must be set in production/,
    );
    expect(loadConfig({ NODE_ENV: 'production', VAULT_MASTER_KEY: key() }).env).toBe('production');
  });

  it.each([
    ['VAULT_MASTER_KEY', 'too-short'],
    ['VAULT_MASTER_KEY', randomBytes(16).toString('base64')],
    ['VAULT_PREVIOUS_KEYS', `${key()},not base64!`],
  ])('refuses a bad %s without echoing it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).not.toContain(value);
  });

  it('refuses a cooldown cap below the base', () => {
    expect(() => loadConfig({ VAULT_COOLDOWN_BASE_MS: '5000', VAULT_COOLDOWN_MAX_MS: '2000' })).toThrow(
      /VAULT_COOLDOWN_MAX_MS/,
    );
  });
});
