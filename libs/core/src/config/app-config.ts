import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parseCredits } from '../money.js';
import { parseAllowEntry } from '../outbound/outbound-policy.js';
import { EnvironmentVariables, environmentVariableNames } from './env.schema.js';
import { observabilityConfig, type ObservabilityConfig } from './observability-config.js';
import { searchConfig, type SearchConfig } from './search-config.js';
import { activityLogConfig, vaultConfig, type ActivityLogConfig, type VaultConfig } from './vault-config.js';

/** The validated, typed configuration. Built once at boot; nothing else reads `process.env`. */
export class AppConfig {
  constructor(
    readonly env: 'development' | 'production' | 'test',
    readonly http: {
      host: string;
      port: number;
      publicUrl?: string;
      corsOrigins: string[] | '*' | false;
      maxBodyBytes: number;
      maxApiBodyBytes: number;
      /** Request-body bytes held at once on /v1; 0 means no bound. */
      maxBodyBytesInFlight: number;
      /** The most body bytes one /v1 request may carry: a JSON body or an upload with its fields. */
      largestBodyBytes: number;
      /** Quiet time after which one full GC gives back what the last burst left; 0: never. */
      idleGcMs: number;
      /** Quiet time after which V8's memory-reducing collection runs; 0: never. */
      idleGcReduceMs: number;
      shutdownTimeoutMs: number;
      clientSendTimeoutMs: number;
      trustProxy: boolean | number | string;
      swagger: boolean;
    },
    readonly database: {
      url?: string;
      poolSize: number;
      idleTimeoutSeconds: number;
      ssl: boolean;
      migrate: boolean;
      /** DATABASE_PREPARED_STATEMENTS: the ledger statements as named prepared statements (a server only). */
      preparedStatements: boolean;
    },
    readonly dataDir: string,
    readonly redisUrl: string | undefined,
    readonly log: { level: string; format: 'json' | 'pretty'; requests: boolean },
    readonly auth: AuthConfig,
    readonly routing: RoutingConfig,
    readonly vault: VaultConfig,
    readonly activityLog: ActivityLogConfig,
    readonly credits: CreditsConfig,
    readonly media: MediaConfig,
    readonly responses: ResponsesConfig,
    readonly observability: ObservabilityConfig,
    readonly cache: CacheConfig,
  ) {}

  /** True when no DATABASE_URL is set: the gateway runs PGlite in-process. */
  get embeddedDatabase(): boolean {
    return !this.database.url;
  }
}

/** The response cache (docs/cache.md, decision 0020). */
export interface CacheConfig {
  /** CACHE_HIT_PRICE: micro-credits one cache hit costs (flat, no markup; 0: free). */
  hitPrice: bigint;
  /** CACHE_MAX_BYTES: the in-memory store's bound (answers as JSON text); 0: no memory store. */
  maxBytes: number;
  /** CACHE_MAX_ENTRY_BYTES: a larger answer is not stored. */
  maxEntryBytes: number;
  /** CACHE_MAX_TTL_SECONDS: the longest time-to-live a request, key or route may ask for. */
  maxTtlSeconds: number;
}

/** Stored Responses (/v1/responses). */
export interface ResponsesConfig {
  /** RESPONSES_RETENTION_DAYS: stored responses older than this are gone (0: kept forever). */
  retentionDays: number;
}

/** Images, files and audio (/v1/images, /v1/files, /v1/audio). */
export interface MediaConfig {
  /** Where stored files and generated images live (absolute). */
  filesDir: string;
  /** The largest file one upload may be. */
  maxFileBytes: number;
  /** The most bytes the stored files a chat request names may add to it, all parts together. */
  maxAttachedBytes: number;
  /** The most bytes of files one tenant may keep. */
  tenantQuotaBytes: number;
  /** How long a signed image URL stays valid. */
  imageUrlTtlSeconds: number;
  /** The vision model that describes images for models without vision; unset = no bridge. */
  visionBridgeModel?: string;
}

export interface CreditsConfig {
  /** Micro-credits a user's account starts with (granted once, on its first use). */
  signupCredits: bigint;
  /** A pending reservation whose process stopped renewing it is released after this long. */
  reservationTtlSeconds: number;
  /**
   * CREDITS_CHARGE_WITHOUT_HOLD: a non-streaming call whose payer has ample headroom holds
   * nothing and is charged once its answer is in (decision 0030); false: every call holds first.
   */
  chargeWithoutHold: boolean;
  /**
   * CREDITS_SYNCHRONOUS_COMMIT: true (`on`) commits the hot path's charges and settlements with
   * the server's `synchronous_commit`; false (`off`) does not wait for their WAL flush (decision 0036).
   */
  synchronousCommit: boolean;
  /** How often each instance sweeps expired reservations. */
  sweepIntervalSeconds: number;
  /**
   * USAGE_RETENTION_DAYS: usage records (and their daily rollups) older than this are dropped a
   * whole month at a time, once the entire month is past it (0: kept forever).
   */
  usageRetentionDays: number;
}

export interface AuthConfig {
  jwt: {
    algorithm: 'HS256' | 'RS256' | 'ES256';
    /** HS256 secret; when unset one is generated once and kept in the database. */
    secret?: string;
    privateKey?: string;
    publicKey?: string;
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
  };
  /**
   * The secret API keys' tags are computed with (API_KEY_SIGNING_SECRET); when unset one is
   * generated once and kept in the database.
   */
  apiKeySigningSecret?: string;
  admin: { email?: string; password?: string };
  /**
   * API_KEYS: fixed keys created at start, owned by the bootstrap admin, for headless single-user
   * installs (decision 0018). In production each is at least 32 characters.
   */
  configuredApiKeys: string[];
  defaultRpm: number;
  loginMaxFailures: number;
  loginFailureWindowSeconds: number;
  authRateLimitPerMinute: number;
  cacheTtlSeconds: number;
  /** Invalid API keys a client address may send per minute before its 401s are held. */
  invalidKeyBudgetPerMinute: number;
  /** How long a 401 to an address past its budget is held (0: never). */
  invalidKeyDelayMs: number;
  inviteTtlHours: number;
}

export interface RoutingConfig {
  /** auto: start the built-in simulator when no provider key is configured (not in production). */
  simulator: 'auto' | 'on' | 'off';
  /** A simulator already running elsewhere (tests, the benchmark). */
  simulatorUrl?: string;
  /** Every `<PROVIDER>_API_KEY`, `_BASE_URL`, `_TIMEOUT_MS` variable, for the providers lib. */
  providerEnv: Record<string, string>;
  aliases: Record<string, string>;
  /** Per-model fallbacks: when a model's keys are spent or its provider is down, try these in order. */
  fallbacks: Record<string, string[]>;
  maxRetries: number;
  retryBaseMs: number;
  breakerThreshold: number;
  breakerHalfOpenMs: number;
  /** A stream with no chunk for this long after its headers is broken (0: the provider timeout). */
  streamStallTimeoutMs: number;
  /** A chat call with no `model` (the compat aliases): this one, else the first priced chat model. */
  defaultChatModel?: string;
  /**
   * DEFAULT_LOCAL_PROVIDER: a bare model name no catalog lists goes to this provider (a local
   * server taking any model name) when it is available (its base URL set); empty: never.
   */
  defaultLocalProvider?: string;
  /** `auto`: the LLM classifier's model (unset: the rules classifier only). */
  autoClassifierModel?: string;
  /** `auto`: the LLM classifier's time budget; past it the rules decide. */
  autoClassifierTimeoutMs: number;
  /** Web search (SEARCH_* variables; decision 0022). */
  search: SearchConfig;
  /**
   * OUTBOUND_ALLOWLIST (plus the deprecated FETCH_ALLOWLIST): origins, host names and address
   * ranges the outbound policy admits beyond public https.
   */
  outboundAllowlist: string[];
  /** UPSTREAM_MAX_ANSWER_BYTES: the most of an upstream's answer (or one streamed event) read. */
  upstreamMaxAnswerBytes: number;
}

const PROVIDER_VARIABLE = /^[A-Z][A-Z0-9_]*_(API_KEY|BASE_URL|TIMEOUT_MS)$/;

/** `a=b,c=d` or a JSON object, into a map; problems are reported against `name`. */
function parseMap(name: string, value: string, problems: string[]): Record<string, string> {
  const v = value.trim();
  if (!v) return {};
  if (v.startsWith('{')) {
    try {
      const parsed = JSON.parse(v) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return Object.fromEntries(Object.entries(parsed).map(([k, x]) => [k, String(x)]));
      }
    } catch {
      // reported below
    }
    problems.push(
      `${name} must be a JSON object or a list of name=target pairs (got ${JSON.stringify(value)})`,
    );
    return {};
  }
  const out: Record<string, string> = {};
  for (const pair of v.split(',')) {
    const [k, t] = pair.split('=').map((x) => x.trim());
    if (!k || !t) {
      problems.push(
        `${name} must be a JSON object or a list of name=target pairs (got ${JSON.stringify(value)})`,
      );
      return {};
    }
    out[k] = t;
  }
  return out;
}

/** PEM keys may be given inline (with \n escapes, as .env files need) or as a file path. */
function readPem(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n');
  return readFileSync(value, 'utf8');
}

/** The largest body one /v1 request may carry: a JSON body, or a file upload with its form fields. */
function largestBodyBytes(maxBody: number, maxFile: number): number {
  return Math.max(maxBody, maxFile + 1024 * 1024);
}

/** Raised when the environment is invalid; its message names every bad variable. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

function describe(errors: ValidationError[], raw: Record<string, unknown>): string[] {
  return errors.map((e) => {
    // class-validator prefixes its default messages with the property name; say it once.
    const reasons = Object.values(e.constraints ?? {})
      .map((m) => (m.startsWith(`${e.property} `) ? m.slice(e.property.length + 1) : m))
      .join('; ');
    const got = raw[e.property];
    return `${e.property} ${reasons} (got ${JSON.stringify(got)})`;
  });
}

function parseTrustProxy(value: string): boolean | number | string {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return value.trim();
}

function parseCors(value: string): string[] | '*' | false {
  const v = value.trim();
  if (v === '') return false;
  if (v === '*') return '*';
  return v
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}

/** The shortest key API_KEYS may hold when NODE_ENV=production. */
export const MIN_PRODUCTION_API_KEY_CHARS = 32;

/**
 * API_KEYS: comma-separated keys, trimmed, empty entries and repeats dropped. A key is named by
 * its position (`API_KEYS #2`), never echoed: the message must not leak it into logs.
 */
function parseApiKeys(value: string, nodeEnv: string, problems: string[]): string[] {
  const keys: string[] = [];
  value.split(',').forEach((entry) => {
    const key = entry.trim();
    if (!key || keys.includes(key)) return;
    keys.push(key);
    const position = keys.length;
    if (!/^[\x21-\x7e]+$/.test(key)) {
      problems.push(
        `API_KEYS #${position} must be printable ASCII without spaces (it is sent in an HTTP header)`,
      );
    } else if (nodeEnv === 'production' && key.length < MIN_PRODUCTION_API_KEY_CHARS) {
      problems.push(
        `API_KEYS #${position} is ${key.length} characters; with NODE_ENV=production each key must be at least ${MIN_PRODUCTION_API_KEY_CHARS} (e.g. openssl rand -hex 24), or leave API_KEYS unset and create keys with POST /api/v1/api-keys`,
      );
    }
  });
  return keys;
}

/** Validates a raw environment (strings) and returns the typed config, or throws ConfigValidationError. */
export function loadConfig(raw: Record<string, string | undefined>): AppConfig {
  const input: Record<string, unknown> = {};
  for (const key of environmentVariableNames()) {
    if (raw[key] !== undefined) input[key] = raw[key];
  }
  const env = plainToInstance(EnvironmentVariables, input, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, stopAtFirstError: true });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors, input));

  const problems: string[] = [];
  if (env.JWT_ALGORITHM !== 'HS256' && (!env.JWT_PRIVATE_KEY || !env.JWT_PUBLIC_KEY)) {
    problems.push(
      `JWT_PRIVATE_KEY and JWT_PUBLIC_KEY must both be set (PEM or a file path) when JWT_ALGORITHM is ${env.JWT_ALGORITHM}`,
    );
  }
  let privateKey: string | undefined;
  let publicKey: string | undefined;
  try {
    privateKey = readPem(env.JWT_PRIVATE_KEY);
    publicKey = readPem(env.JWT_PUBLIC_KEY);
  } catch (err) {
    problems.push(`JWT_PRIVATE_KEY/JWT_PUBLIC_KEY could not be read: ${(err as Error).message}`);
  }
  const aliases = parseMap('MODEL_ALIASES', env.MODEL_ALIASES, problems);
  const fallbacks = Object.fromEntries(
    Object.entries(parseMap('MODEL_FALLBACKS', env.MODEL_FALLBACKS, problems)).map(([k, v]) => [
      k,
      v
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean),
    ]),
  );
  const vault = vaultConfig(env, problems);
  const observability = observabilityConfig(env, problems);
  const search = searchConfig(env, problems);
  const outboundAllowlist = [env.OUTBOUND_ALLOWLIST, env.FETCH_ALLOWLIST]
    .flatMap((list) => list.split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of outboundAllowlist) {
    const parsed = parseAllowEntry(entry);
    if (typeof parsed === 'string') problems.push(`OUTBOUND_ALLOWLIST: ${parsed}`);
  }
  const configuredApiKeys = parseApiKeys(env.API_KEYS, env.NODE_ENV, problems);
  const largestBody = largestBodyBytes(env.MAX_BODY_BYTES, env.MAX_FILE_BYTES);
  if (env.MAX_BODY_BYTES_IN_FLIGHT > 0 && env.MAX_BODY_BYTES_IN_FLIGHT < largestBody) {
    problems.push(
      `MAX_BODY_BYTES_IN_FLIGHT must be 0 (no bound) or at least ${largestBody}, the largest body one request may carry (MAX_BODY_BYTES, or MAX_FILE_BYTES plus 1 MiB of multipart fields) (got ${env.MAX_BODY_BYTES_IN_FLIGHT})`,
    );
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  const providerEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined && value !== '' && PROVIDER_VARIABLE.test(key)) providerEnv[key] = value;
  }
  // ModelRouter API's name for the Hugging Face key.
  if (providerEnv.HUGGINGFACE_API_KEY === undefined && raw.HUGGINGFACE_API_TOKEN)
    providerEnv.HUGGINGFACE_API_KEY = raw.HUGGINGFACE_API_TOKEN;

  const dataDir = isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(process.cwd(), env.DATA_DIR);
  return new AppConfig(
    env.NODE_ENV,
    {
      host: env.HOST,
      port: env.PORT,
      publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
      corsOrigins: parseCors(env.CORS_ORIGINS),
      maxBodyBytes: env.MAX_BODY_BYTES,
      maxApiBodyBytes: env.MAX_API_BODY_BYTES,
      maxBodyBytesInFlight: env.MAX_BODY_BYTES_IN_FLIGHT,
      largestBodyBytes: largestBody,
      idleGcMs: env.IDLE_GC_MS,
      idleGcReduceMs: env.IDLE_GC_REDUCE_MS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      clientSendTimeoutMs: env.CLIENT_SEND_TIMEOUT_MS,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      swagger: env.SWAGGER_ENABLED,
    },
    {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      idleTimeoutSeconds: env.DATABASE_IDLE_TIMEOUT_SECONDS,
      ssl: env.DATABASE_SSL,
      migrate: env.DATABASE_MIGRATE,
      preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    },
    dataDir,
    env.REDIS_URL,
    {
      level: env.LOG_LEVEL,
      // Readable lines at a terminal; JSON for log collectors in production.
      format: env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty'),
      requests: env.LOG_REQUESTS,
    },
    {
      jwt: {
        algorithm: env.JWT_ALGORITHM,
        secret: env.JWT_SECRET,
        privateKey,
        publicKey,
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
        accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
        refreshTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
      },
      apiKeySigningSecret: env.API_KEY_SIGNING_SECRET,
      admin: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD },
      configuredApiKeys,
      defaultRpm: env.DEFAULT_RPM,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginFailureWindowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
      authRateLimitPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
      cacheTtlSeconds: env.AUTH_CACHE_TTL_SECONDS,
      invalidKeyBudgetPerMinute: env.INVALID_KEY_BUDGET_PER_MINUTE,
      invalidKeyDelayMs: env.INVALID_KEY_DELAY_MS,
      inviteTtlHours: env.INVITE_TTL_HOURS,
    },
    {
      simulator: env.SIMULATOR,
      simulatorUrl: env.SIMULATOR_URL?.replace(/\/+$/, ''),
      providerEnv,
      aliases,
      fallbacks,
      maxRetries: env.UPSTREAM_MAX_RETRIES,
      retryBaseMs: env.UPSTREAM_RETRY_BASE_MS,
      breakerThreshold: env.CIRCUIT_BREAKER_THRESHOLD,
      breakerHalfOpenMs: env.CIRCUIT_BREAKER_HALF_OPEN_MS,
      streamStallTimeoutMs: env.STREAM_STALL_TIMEOUT_MS,
      defaultChatModel: env.DEFAULT_CHAT_MODEL,
      defaultLocalProvider: env.DEFAULT_LOCAL_PROVIDER || undefined,
      autoClassifierModel: env.AUTO_CLASSIFIER_MODEL,
      autoClassifierTimeoutMs: env.AUTO_CLASSIFIER_TIMEOUT_MS,
      search,
      outboundAllowlist,
      upstreamMaxAnswerBytes: env.UPSTREAM_MAX_ANSWER_BYTES,
    },
    vault,
    activityLogConfig(env),
    {
      signupCredits: parseCredits(env.SIGNUP_CREDITS),
      reservationTtlSeconds: env.RESERVATION_TTL_SECONDS,
      chargeWithoutHold: env.CREDITS_CHARGE_WITHOUT_HOLD,
      synchronousCommit: env.CREDITS_SYNCHRONOUS_COMMIT === 'on',
      sweepIntervalSeconds: env.CREDITS_SWEEP_INTERVAL_SECONDS,
      usageRetentionDays: env.USAGE_RETENTION_DAYS,
    },
    {
      filesDir: env.FILES_DIR
        ? isAbsolute(env.FILES_DIR)
          ? env.FILES_DIR
          : resolve(process.cwd(), env.FILES_DIR)
        : join(dataDir, 'files'),
      maxFileBytes: env.MAX_FILE_BYTES,
      maxAttachedBytes: env.MAX_ATTACHED_BYTES,
      tenantQuotaBytes: env.TENANT_FILE_QUOTA_BYTES,
      imageUrlTtlSeconds: env.IMAGE_URL_TTL_SECONDS,
      visionBridgeModel: env.VISION_BRIDGE_MODEL,
    },
    { retentionDays: env.RESPONSES_RETENTION_DAYS },
    observability,
    {
      hitPrice: parseCredits(env.CACHE_HIT_PRICE),
      maxBytes: env.CACHE_MAX_BYTES,
      maxEntryBytes: env.CACHE_MAX_ENTRY_BYTES,
      maxTtlSeconds: env.CACHE_MAX_TTL_SECONDS,
    },
  );
}
