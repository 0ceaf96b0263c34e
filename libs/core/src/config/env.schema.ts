import { Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable the gateway reads, with its default. This class is the single
 * place that knows variable names; `docs/configuration.md` and `.env.example` mirror it.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'], { message: 'must be one of development, production, test' })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsString()
  HOST = '0.0.0.0';

  @Transform(toInt)
  @Min(0)
  @Max(65535)
  @IsInt({ message: 'must be an integer port number' })
  PORT = 8080;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL such as https://gateway.example.com' })
  PUBLIC_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^\s]+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(toInt)
  @Min(1)
  @Max(500)
  @IsInt({ message: 'must be an integer' })
  DATABASE_POOL_SIZE = 10;

  /** How long an unused pooled connection stays open; 0 keeps it until the pool closes. */
  @Transform(toInt)
  @Min(0)
  @Max(86_400)
  @IsInt({ message: 'must be an integer' })
  DATABASE_IDLE_TIMEOUT_SECONDS = 600;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  DATABASE_SSL = false;

  /**
   * The hot path's ledger statements as named prepared statements (parsed once per connection).
   * Off behind a transaction-mode pooler that cannot keep them (PgBouncer before 1.21, or without
   * `max_prepared_statements`). The embedded database never uses them.
   */
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  DATABASE_PREPARED_STATEMENTS = true;

  /** Run pending migrations at boot (under an advisory lock). Off when a separate job runs them. */
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  DATABASE_MIGRATE = true;

  @IsString()
  DATA_DIR = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/[^\s]*$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL = 'info';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['json', 'pretty'], { message: 'must be json or pretty' })
  LOG_FORMAT?: 'json' | 'pretty';

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  LOG_REQUESTS = true;

  @IsString()
  CORS_ORIGINS = '';

  @Transform(toInt)
  @Min(1024)
  @IsInt({ message: 'must be an integer number of bytes' })
  MAX_BODY_BYTES = 20 * 1024 * 1024;

  @Transform(toInt)
  @Min(1024)
  @IsInt({ message: 'must be an integer number of bytes' })
  MAX_API_BODY_BYTES = 1024 * 1024;

  /** Request-body bytes one instance holds at once on /v1 (0: no bound); see BodyBudget. */
  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'must be an integer number of bytes' })
  MAX_BODY_BYTES_IN_FLIGHT = 100 * 1024 * 1024;

  /**
   * After this long without a request, a full GC gives back what the last burst left, and one more
   * after as long again while the young generation is still grown (0, the default: off). Off
   * because the next burst pays for it: its first ~3 s ran at 2-3x the CPU per call (decision
   * 0033); IDLE_GC_REDUCE_MS gives the memory back after a longer quiet spell instead.
   */
  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  IDLE_GC_MS = 0;

  /**
   * After this long without a request, V8's memory-reducing collection gives back what the last
   * burst left (0: off; decision 0033). At least IDLE_GC_MS when that is on: the next burst pays
   * for it.
   */
  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  IDLE_GC_REDUCE_MS = 60_000;

  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /**
   * How long a streamed answer waits for a client that takes no bytes before cutting it off, as
   * nginx's send_timeout (0: without limit).
   */
  @Transform(toInt)
  @Min(0)
  @Max(3_600_000)
  @IsInt({ message: 'must be an integer number of milliseconds (0: without limit)' })
  CLIENT_SEND_TIMEOUT_MS = 60_000;

  @IsString()
  TRUST_PROXY = 'false';

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  SWAGGER_ENABLED = true;

  // --- auth -------------------------------------------------------------------------------

  @IsIn(['HS256', 'RS256', 'ES256'], { message: 'must be HS256, RS256 or ES256' })
  JWT_ALGORITHM: 'HS256' | 'RS256' | 'ES256' = 'HS256';

  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(32, { message: 'must be at least 32 characters (use: openssl rand -base64 48)' })
  JWT_SECRET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_PUBLIC_KEY?: string;

  @IsString()
  JWT_ISSUER = 'switchyard';

  @IsString()
  JWT_AUDIENCE = 'switchyard';

  @Transform(toInt)
  @Min(30)
  @Max(86_400)
  @IsInt({ message: 'must be an integer number of seconds' })
  JWT_ACCESS_TTL_SECONDS = 900;

  @Transform(toInt)
  @Min(300)
  @IsInt({ message: 'must be an integer number of seconds' })
  JWT_REFRESH_TTL_SECONDS = 30 * 86_400;

  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(32, { message: 'must be at least 32 characters (use: openssl rand -base64 48)' })
  API_KEY_SIGNING_SECRET?: string;

  /**
   * ModelRouter API's fixed keys, comma-separated: created at start for the bootstrap admin
   * (decision 0018). Checked in loadConfig, which never echoes a key.
   */
  @IsString()
  API_KEYS = '';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  ADMIN_EMAIL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(12, { message: 'must be at least 12 characters' })
  ADMIN_PASSWORD?: string;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'must be an integer' })
  DEFAULT_RPM = 600;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'must be an integer' })
  LOGIN_MAX_FAILURES = 5;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'must be an integer number of seconds' })
  LOGIN_FAILURE_WINDOW_SECONDS = 60;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'must be an integer' })
  AUTH_RATE_LIMIT_PER_MINUTE = 30;

  @Transform(toInt)
  @Min(0)
  @Max(3600)
  @IsInt({ message: 'must be an integer number of seconds' })
  AUTH_CACHE_TTL_SECONDS = 30;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'must be an integer' })
  INVALID_KEY_BUDGET_PER_MINUTE = 120;

  @Transform(toInt)
  @Min(0)
  @Max(60_000)
  @IsInt({ message: 'must be an integer number of milliseconds (0 turns the delay off)' })
  INVALID_KEY_DELAY_MS = 1000;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'must be an integer number of hours' })
  INVITE_TTL_HOURS = 72;

  // --- credits -------------------------------------------------------------------------------

  @Matches(/^\d{1,12}(\.\d{1,6})?$/, {
    message: 'must be a non-negative number of credits with at most 6 decimals, e.g. 1 or 0.25',
  })
  SIGNUP_CREDITS = '1';

  @Transform(toInt)
  @Min(1)
  @Max(86_400)
  @IsInt({ message: 'must be an integer number of seconds' })
  RESERVATION_TTL_SECONDS = 600;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  CREDITS_CHARGE_WITHOUT_HOLD = true;

  @IsIn(['on', 'off'], { message: 'must be on or off' })
  CREDITS_SYNCHRONOUS_COMMIT: 'on' | 'off' = 'on';

  @Transform(toInt)
  @Min(1)
  @Max(86_400)
  @IsInt({ message: 'must be an integer number of seconds' })
  CREDITS_SWEEP_INTERVAL_SECONDS = 60;

  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'must be an integer number of days (0 keeps usage records forever)' })
  USAGE_RETENTION_DAYS = 0;

  // --- providers and routing ---------------------------------------------------------------

  @IsIn(['auto', 'on', 'off'], { message: 'must be auto, on or off' })
  SIMULATOR: 'auto' | 'on' | 'off' = 'auto';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL of a running simulator' })
  SIMULATOR_URL?: string;

  @IsString()
  MODEL_ALIASES = '';

  /** The model of a chat call that names none (the source systems' aliases, docs/compat.md). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DEFAULT_CHAT_MODEL?: string;

  /**
   * A bare model name that no catalog lists goes to this provider when it is available (a local
   * server such as Ollama, with its base URL set); empty turns it off (docs/compat.md).
   */
  @IsString()
  DEFAULT_LOCAL_PROVIDER = 'ollama';

  @IsString()
  MODEL_FALLBACKS = '';

  @Transform(toInt)
  @Min(0)
  @Max(10)
  @IsInt({ message: 'must be an integer' })
  UPSTREAM_MAX_RETRIES = 2;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  UPSTREAM_RETRY_BASE_MS = 100;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'must be an integer' })
  CIRCUIT_BREAKER_THRESHOLD = 5;

  @Transform(toInt)
  @Min(100)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  CIRCUIT_BREAKER_HALF_OPEN_MS = 10_000;

  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'must be an integer number of milliseconds (0: the provider timeout)' })
  STREAM_STALL_TIMEOUT_MS = 0;

  // --- orchestration (`auto`) --------------------------------------------------------------

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  AUTO_CLASSIFIER_MODEL?: string;

  @Transform(toInt)
  @Min(100)
  @Max(60_000)
  @IsInt({ message: 'must be an integer number of milliseconds (100 to 60000)' })
  AUTO_CLASSIFIER_TIMEOUT_MS = 1_500;

  // --- web search (decision 0022) ------------------------------------------------------------

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['searxng', 'brave', 'tavily', 'off'], { message: 'must be searxng, brave, tavily or off' })
  SEARCH_PROVIDER?: 'searxng' | 'brave' | 'tavily' | 'off';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  SEARXNG_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  BRAVE_SEARCH_API_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  TAVILY_API_KEY?: string;

  @Transform(toInt)
  @Min(1)
  @Max(20)
  @IsInt({ message: 'must be an integer from 1 to 20' })
  SEARCH_MAX_RESULTS = 5;

  @Transform(toInt)
  @Min(100)
  @Max(60_000)
  @IsInt({ message: 'must be an integer number of milliseconds (100 to 60000)' })
  SEARCH_TIMEOUT_MS = 5_000;

  @Transform(toInt)
  @Min(1)
  @Max(5)
  @IsInt({ message: 'must be an integer from 1 to 5' })
  SEARCH_MAX_ROUNDS = 2;

  @Matches(/^\d{1,12}(\.\d{1,6})?$/, {
    message: 'must be a non-negative number of credits with at most 6 decimals, e.g. 0.005',
  })
  SEARCH_PRICE = '0.005';

  // --- key vault and activity log ----------------------------------------------------------

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VAULT_MASTER_KEY?: string;

  @IsString()
  VAULT_PREVIOUS_KEYS = '';

  @Transform(toInt)
  @Min(100)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  VAULT_COOLDOWN_BASE_MS = 5_000;

  @Transform(toInt)
  @Min(1_000)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  VAULT_COOLDOWN_MAX_MS = 600_000;

  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'must be an integer number of days (0 keeps entries forever)' })
  ACTIVITY_LOG_RETENTION_DAYS = 90;

  /** The issue's name for ACTIVITY_LOG_RETENTION_DAYS; wins when both are set. */
  @Transform((params) => toInt({ value: emptyToUndefined(params) }))
  @IsOptional()
  @Min(0)
  @IsInt({ message: 'must be an integer number of days (0 keeps entries forever)' })
  ACTIVITY_RETENTION_DAYS?: number;

  @Transform(toInt)
  @Min(50)
  @Max(60_000)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  ACTIVITY_LOG_FLUSH_MS = 1_000;

  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'must be an integer number of days (0 keeps stored responses forever)' })
  RESPONSES_RETENTION_DAYS = 30;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  FILES_DIR?: string;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'must be an integer number of bytes' })
  MAX_FILE_BYTES = 25 * 1024 * 1024;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'must be an integer number of bytes' })
  MAX_ATTACHED_BYTES = 64 * 1024 * 1024;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'must be an integer number of bytes' })
  TENANT_FILE_QUOTA_BYTES = 1024 * 1024 * 1024;

  @Transform(toInt)
  @Min(1)
  @Max(7 * 24 * 3600)
  @IsInt({ message: 'must be an integer number of seconds' })
  IMAGE_URL_TTL_SECONDS = 3600;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VISION_BRIDGE_MODEL?: string;

  /** Deprecated: merged into OUTBOUND_ALLOWLIST. */
  @IsString()
  FETCH_ALLOWLIST = '';

  // --- outbound policy ---------------------------------------------------------------------

  @IsString()
  OUTBOUND_ALLOWLIST = '';

  /** The most bytes of an upstream's answer read (a whole JSON answer, or one streamed event). */
  @Transform(toInt)
  @Min(1024 * 1024)
  @IsInt({ message: 'must be an integer number of bytes (at least 1048576)' })
  UPSTREAM_MAX_ANSWER_BYTES = 256 * 1024 * 1024;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  TENANT_BASE_URLS = false;

  // --- response cache (decision 0020) ----------------------------------------------------------

  @Matches(/^\d{1,12}(\.\d{1,6})?$/, {
    message: 'must be a non-negative number of credits with at most 6 decimals, e.g. 0 or 0.0001',
  })
  CACHE_HIT_PRICE = '0';

  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'must be an integer number of bytes (0 turns the in-memory cache off)' })
  CACHE_MAX_BYTES = 67_108_864;

  @Transform(toInt)
  @Min(1024)
  @IsInt({ message: 'must be an integer number of bytes (at least 1024)' })
  CACHE_MAX_ENTRY_BYTES = 1_048_576;

  @Transform(toInt)
  @Min(1)
  @Max(2_592_000)
  @IsInt({ message: 'must be an integer number of seconds' })
  CACHE_MAX_TTL_SECONDS = 86_400;

  // --- metrics and traces (decision 0014) --------------------------------------------------

  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(16, { message: 'must be at least 16 characters (e.g. openssl rand -hex 24)' })
  METRICS_TOKEN?: string;

  @Transform((params) => toInt({ value: emptyToUndefined(params) }))
  @IsOptional()
  @Min(0)
  @Max(65535)
  @IsInt({ message: 'must be an integer port number' })
  METRICS_PORT?: number;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL such as http://otel-collector:4318' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsIn(['http/protobuf', 'http/json'], { message: 'must be http/protobuf or http/json' })
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' | 'http/json' = 'http/protobuf';

  @IsString()
  OTEL_EXPORTER_OTLP_HEADERS = '';

  @IsString()
  @MinLength(1)
  OTEL_SERVICE_NAME = 'switchyard';

  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
      ? Number(value)
      : value,
  )
  @Min(0)
  @Max(1)
  @IsNumber({}, { message: 'must be a number from 0 to 1' })
  OTEL_TRACES_SAMPLER_ARG = 1;
}

/** Every variable name the schema declares (including optional ones without a default). */
export function environmentVariableNames(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}
