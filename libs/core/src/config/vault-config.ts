import type { EnvironmentVariables } from './env.schema.js';

/** The key vault's settings: master keys for AES-256-GCM and cooldown timing. */
export interface VaultConfig {
  /** The current master key (32 bytes). Unset outside production: generated once into the data dir. */
  masterKey?: Buffer;
  /** Earlier master keys, still accepted for decryption while `npm run vault:rotate` re-encrypts. */
  previousKeys: Buffer[];
  /** The first default cooldown of a rate-limited key without Retry-After; doubles per repeat. */
  cooldownBaseMs: number;
  /** The longest cooldown, whatever the provider asks. */
  cooldownMaxMs: number;
  /** Whether tenant admins may point a key at a base URL of their own (platform admins always may). */
  tenantBaseUrls: boolean;
}

/** The activity log's settings. */
export interface ActivityLogConfig {
  /**
   * ACTIVITY_RETENTION_DAYS (or ACTIVITY_LOG_RETENTION_DAYS): entries are dropped a whole month at
   * a time once the entire month is older than this many days; 0 keeps them forever.
   */
  retentionDays: number;
  /** How long recorded entries may wait in memory before they are written in one batch. */
  flushMs: number;
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function decodeKey(name: string, value: string, problems: string[]): Buffer | undefined {
  const v = value.trim();
  const bytes = BASE64.test(v) ? Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : undefined;
  if (!bytes || bytes.length !== 32) {
    // Never echo the value: it is a secret.
    problems.push(`${name} must be 32 random bytes in base64, e.g. the output of: openssl rand -base64 32`);
    return undefined;
  }
  return bytes;
}

/** Validates the vault variables; problems are appended (never containing a key). */
export function vaultConfig(env: EnvironmentVariables, problems: string[]): VaultConfig {
  const masterKey = env.VAULT_MASTER_KEY
    ? decodeKey('VAULT_MASTER_KEY', env.VAULT_MASTER_KEY, problems)
    : undefined;
  if (!env.VAULT_MASTER_KEY && env.NODE_ENV === 'production') {
    problems.push(
      'VAULT_MASTER_KEY must be set in production (32 random bytes in base64: openssl rand -base64 32); ' +
        'provider keys are encrypted under it',
    );
  }
  const previousKeys = env.VAULT_PREVIOUS_KEYS.split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k, i) => decodeKey(`VAULT_PREVIOUS_KEYS (entry ${i + 1})`, k, problems))
    .filter((k): k is Buffer => k !== undefined);
  if (env.VAULT_COOLDOWN_MAX_MS < env.VAULT_COOLDOWN_BASE_MS) {
    problems.push('VAULT_COOLDOWN_MAX_MS must not be smaller than VAULT_COOLDOWN_BASE_MS');
  }
  return {
    masterKey,
    previousKeys,
    cooldownBaseMs: env.VAULT_COOLDOWN_BASE_MS,
    cooldownMaxMs: env.VAULT_COOLDOWN_MAX_MS,
    tenantBaseUrls: env.TENANT_BASE_URLS,
  };
}

export function activityLogConfig(env: EnvironmentVariables): ActivityLogConfig {
  return {
    retentionDays: env.ACTIVITY_RETENTION_DAYS ?? env.ACTIVITY_LOG_RETENTION_DAYS,
    flushMs: env.ACTIVITY_LOG_FLUSH_MS,
  };
}
