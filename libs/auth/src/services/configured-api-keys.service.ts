import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ActivityLogService, type ActivityActor } from '@switchyard/activity-log';
import { AppConfig, SettingsService } from '@switchyard/core';
import { tenantScope } from '../caller.js';
import { sha256 } from '../crypto.js';
import { ApiKeyRepository } from '../repositories/api-key.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { AuthCache } from './auth-cache.service.js';
import { BootstrapService, DEFAULT_ADMIN_EMAIL } from './bootstrap.service.js';

/**
 * The `prefix` column of a key created from API_KEYS. A generated key's prefix always starts with
 * `sk-sy-`, so this marks the rows API_KEYS owns (and shows as `API_KEYS…` in key lists).
 */
export const CONFIGURED_KEY_PREFIX = 'API_KEYS';
/** Below this length the last four characters are not shown: they would be half the key. */
const SHOW_LAST4_FROM = 32;
const ACTOR: ActivityActor = Object.freeze({ type: 'system', id: null, label: 'API_KEYS' });

/**
 * API_KEYS (ModelRouter API's fixed keys, decision 0018): at start, each listed key is created
 * once (by its SHA-256, like every key), owned by the bootstrap admin and named `API_KEYS #n`;
 * a key that an earlier start created and API_KEYS no longer lists is revoked. At request time,
 * {@link match} recognises a listed key, which has no `sk-sy-` prefix and no tag, by an exact
 * match of its hash against the hashes held in memory; no I/O, and nothing for any other value.
 */
@Injectable()
export class ConfiguredApiKeys implements OnApplicationBootstrap {
  private readonly logger = new Logger(ConfiguredApiKeys.name);
  /** The listed keys' hashes, with their 1-based position in API_KEYS. */
  private readonly hashes = new Map<string, number>();
  /** The listed keys' lengths: a value of another length is not hashed at all. */
  private readonly lengths = new Set<number>();

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeyRepository,
    private readonly users: UserRepository,
    private readonly settings: SettingsService,
    private readonly cache: AuthCache,
    private readonly activity: ActivityLogService,
    private readonly bootstrap: BootstrapService,
  ) {
    config.auth.configuredApiKeys.forEach((key, i) => {
      this.hashes.set(sha256(key), i + 1);
      this.lengths.add(key.length);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Nest runs a module's bootstrap hooks together: the admin must exist first.
    await this.bootstrap.adminReady;
    await this.provision();
  }

  /** The hash of `secret` when it is one of the API_KEYS keys, else undefined. No I/O. */
  match(secret: string): string | undefined {
    if (!this.lengths.has(secret.length)) return undefined;
    const hash = sha256(secret);
    return this.hashes.has(hash) ? hash : undefined;
  }

  /**
   * Creates the listed keys that have no row yet and revokes the rows of keys no longer listed.
   * Runs after the bootstrap admin exists; safe at every start and on instances starting together.
   */
  async provision(): Promise<void> {
    const wanted = this.config.auth.configuredApiKeys;
    const stale = (await this.keys.findUnrevokedByPrefix(CONFIGURED_KEY_PREFIX)).filter(
      (k) => !this.hashes.has(k.keyHash),
    );
    for (const key of stale) {
      await this.keys.revoke(tenantScope(key.tenantId), key.id);
      await this.cache.invalidateKey(key.keyHash);
      this.logger.log(`Revoked "${key.name}": API_KEYS no longer lists it.`);
      this.activity.record({
        action: 'API_KEY_REVOKED',
        tenantId: key.tenantId,
        actor: ACTOR,
        description: `API key "${key.name}" revoked: API_KEYS no longer lists it.`,
        metadata: { api_key_id: key.id, name: key.name, user_id: key.userId },
      });
    }
    if (wanted.length === 0) return;

    const bootstrap = await this.settings.get<{ email?: string }>('bootstrap');
    const email = (bootstrap?.email ?? this.config.auth.admin.email ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
    const admin = await this.users.findByEmail(email);
    if (!admin) {
      this.logger.warn(`API_KEYS is set but the bootstrap admin ${email} no longer exists: no key created.`);
      return;
    }
    let created = 0;
    for (const [i, secret] of wanted.entries()) {
      const name = `API_KEYS #${i + 1}`;
      const keyHash = sha256(secret);
      const existing = await this.keys.findByHash(keyHash);
      if (existing) {
        if (existing.revokedAt) {
          this.logger.warn(`${name} was revoked; it stays revoked. Put a new key in API_KEYS instead.`);
        }
        continue;
      }
      let entity;
      try {
        entity = await this.keys.create({
          tenantId: admin.tenantId,
          userId: admin.id,
          name,
          prefix: CONFIGURED_KEY_PREFIX,
          last4: secret.length >= SHOW_LAST4_FROM ? secret.slice(-4) : '',
          keyHash,
          allowedModels: null,
          rpm: null,
          tpm: null,
          creditBudget: null,
          expiresAt: null,
        });
      } catch (err) {
        // Another instance starting together created it first (key_hash is unique).
        if (await this.keys.findByHash(keyHash)) continue;
        throw err;
      }
      await this.cache.invalidateKey(keyHash);
      created++;
      this.activity.record({
        action: 'API_KEY_CREATED',
        tenantId: admin.tenantId,
        actor: ACTOR,
        description: `API key "${name}" created from API_KEYS.`,
        metadata: { api_key_id: entity.id, name, user_id: admin.id },
      });
    }
    this.logger.log(`API_KEYS: ${wanted.length} key(s) for ${email}, ${created} created at this start.`);
  }
}
