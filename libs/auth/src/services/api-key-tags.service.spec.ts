import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { AppConfig, SettingsService } from '@switchyard/core';
import {
  API_KEY_LENGTH,
  API_KEY_PREFIX,
  API_KEY_RANDOM_CHARS,
  API_KEY_TAG_CHARS,
  apiKeyTag,
  hasValidApiKeyTag,
  newApiKey,
} from '../crypto.js';
import { API_KEY_SIGNING_SETTING, ApiKeyTags } from './api-key-tags.service.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const secret = createSecretKey(Buffer.from('a-signing-secret-that-is-long-enough-0123456789'));
const other = createSecretKey(Buffer.from('another-signing-secret-that-is-long-enough-0123'));

function withCharAt(value: string, index: number, char: string): string {
  return value.slice(0, index) + char + value.slice(index + 1);
}

describe('API key tags', () => {
  it('issues sk-sy- + 43 random base62 characters + an 8-character tag', () => {
    const keys = Array.from({ length: 200 }, () => newApiKey(secret));
    for (const key of keys) {
      expect(key).toMatch(/^sk-sy-[0-9A-Za-z]{51}$/);
      expect(key).toHaveLength(API_KEY_LENGTH);
      expect(hasValidApiKeyTag(secret, key)).toBe(true);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('derives the tag from the random part and the secret only', () => {
    const random = 'x'.repeat(API_KEY_RANDOM_CHARS);
    expect(apiKeyTag(secret, random)).toBe(apiKeyTag(secret, random));
    expect(apiKeyTag(secret, random)).toMatch(new RegExp(`^[0-9A-Za-z]{${API_KEY_TAG_CHARS}}$`));
    expect(apiKeyTag(other, random)).not.toBe(apiKeyTag(secret, random));
    expect(apiKeyTag(secret, `y${random.slice(1)}`)).not.toBe(apiKeyTag(secret, random));
  });

  it('refuses a key with any one character of its random part or tag changed', () => {
    const key = newApiKey(secret);
    for (let i = API_KEY_PREFIX.length; i < key.length; i++) {
      for (const char of ['0', 'Z', 'z']) {
        if (key[i] === char) continue;
        expect(hasValidApiKeyTag(secret, withCharAt(key, i, char))).toBe(false);
      }
    }
  });

  it('refuses a key tagged under another secret', () => {
    expect(hasValidApiKeyTag(other, newApiKey(secret))).toBe(false);
  });

  it('refuses every other shape: old format, short, long, other prefix, non-base62, unicode', () => {
    const key = newApiKey(secret);
    const randomOnly = key.slice(0, API_KEY_PREFIX.length + API_KEY_RANDOM_CHARS);
    for (const bad of [
      '',
      API_KEY_PREFIX,
      randomOnly,
      key.slice(0, -1),
      `${key}0`,
      ` ${key.slice(1)}`,
      `sk-xx-${key.slice(API_KEY_PREFIX.length)}`,
      withCharAt(key, 20, '-'),
      withCharAt(key, 20, '_'),
      withCharAt(key, 20, 'é'),
      withCharAt(key, key.length - 1, '\u0000'),
      `${API_KEY_PREFIX}${BASE62[0]!.repeat(API_KEY_RANDOM_CHARS + API_KEY_TAG_CHARS)}`,
    ]) {
      expect(hasValidApiKeyTag(secret, bad)).toBe(false);
    }
  });
});

describe('ApiKeyTags', () => {
  function settingsStub(initial?: unknown) {
    const values = new Map<string, unknown>(
      initial === undefined ? [] : [[API_KEY_SIGNING_SETTING, initial]],
    );
    const stub = {
      writes: 0,
      async get<T>(key: string): Promise<T | undefined> {
        return values.get(key) as T | undefined;
      },
      async setIfAbsent(key: string, value: unknown): Promise<boolean> {
        if (values.has(key)) return false;
        stub.writes++;
        values.set(key, value);
        return true;
      },
    };
    return stub;
  }
  const config = (apiKeySigningSecret?: string) =>
    ({ auth: { apiKeySigningSecret } }) as unknown as AppConfig;

  it('generates a secret once into the settings and reuses it on the next start', async () => {
    const settings = settingsStub();
    const first = new ApiKeyTags(config(), settings as unknown as SettingsService);
    await first.onModuleInit();
    expect(settings.writes).toBe(1);
    const key = first.issue();
    const second = new ApiKeyTags(config(), settings as unknown as SettingsService);
    await second.onModuleInit();
    expect(settings.writes).toBe(1);
    expect(second.check(key)).toBe(true);
  });

  it('uses the secret another instance stored first', async () => {
    const stored = 'stored-by-another-instance-0123456789abcdef';
    const tags = new ApiKeyTags(config(), settingsStub(stored) as unknown as SettingsService);
    await tags.onModuleInit();
    const key = newApiKey(createSecretKey(Buffer.from(stored)));
    expect(tags.check(key)).toBe(true);
  });

  it('prefers API_KEY_SIGNING_SECRET and then never touches the settings', async () => {
    const settings = settingsStub('stored-by-another-instance-0123456789abcdef');
    const configured = 'configured-secret-from-the-environment-012345';
    const tags = new ApiKeyTags(config(configured), settings as unknown as SettingsService);
    await tags.onModuleInit();
    expect(tags.check(newApiKey(createSecretKey(Buffer.from(configured))))).toBe(true);
    expect(
      tags.check(newApiKey(createSecretKey(Buffer.from('stored-by-another-instance-0123456789abcdef')))),
    ).toBe(false);
    expect(settings.writes).toBe(0);
  });
});
