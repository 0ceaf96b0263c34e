import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig, SettingsService } from '@switchyard/core';
import { hasValidApiKeyTag, newApiKey, randomSecret } from '../crypto.js';

/** The settings row that holds the generated signing secret when API_KEY_SIGNING_SECRET is unset. */
export const API_KEY_SIGNING_SETTING = 'api_key_signing_secret';

/**
 * Issues API keys with a tag and checks presented keys' tags (decision 0006). The secret is
 * API_KEY_SIGNING_SECRET; without it, one is generated once and kept in the database settings, so
 * it survives restarts and every instance on that database agrees (the embedded database too).
 * The tag is a filter, not the credential: a key is still only valid if its hash is stored.
 */
@Injectable()
export class ApiKeyTags implements OnModuleInit {
  private key?: KeyObject;

  constructor(
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  async onModuleInit(): Promise<void> {
    let secret = this.config.auth.apiKeySigningSecret;
    if (!secret) {
      await this.settings.setIfAbsent(API_KEY_SIGNING_SETTING, randomSecret(32));
      // Another instance may have written it first: use whatever the database holds.
      secret = await this.settings.get<string>(API_KEY_SIGNING_SETTING);
      if (typeof secret !== 'string' || secret.length < 32) {
        throw new Error(`The ${API_KEY_SIGNING_SETTING} setting is missing or malformed.`);
      }
    }
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /** A new key secret: `sk-sy-` + 43 random base62 characters + its 8-character tag. */
  issue(): string {
    return newApiKey(this.signingKey);
  }

  /** True when `presented` has this deployment's key format and a valid tag. No I/O. */
  check(presented: string): boolean {
    return hasValidApiKeyTag(this.signingKey, presented);
  }

  private get signingKey(): KeyObject {
    if (!this.key) throw new Error('API key signing secret is not loaded');
    return this.key;
  }
}
