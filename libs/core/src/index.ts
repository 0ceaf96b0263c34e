export { AppConfig, ConfigValidationError, loadConfig } from './config/app-config.js';
export { CoreConfigModule, type CoreConfigOptions } from './config/config.module.js';
export { EnvironmentVariables } from './config/env.schema.js';
export * from './errors/index.js';
export { configureHttp, type HotRoute } from './http/configure-http.js';
export { copyFields } from './copy-fields.js';
export { CallAbort, abortSignalOf, type AbortSource } from './abort.js';
export { SwitchyardExpressAdapter } from './http/express-adapter.js';
export { createValidationPipe } from './http/validation.pipe.js';
export { requestIdFor } from './http/request-id.js';
export { jsonBodyGuard } from './http/json-body.js';
export { drained } from './http/client-send.js';
export { exposedGc } from './http/idle-gc.js';
export { serializeJson } from './http/raw-json.js';
export { sendJsonList } from './http/json-list.js';
export { bodyBudgetOf, heapLimitWarning, heapNeededForBodies } from './http/body-budget.js';
export {
  currentRequestContext,
  currentRequestTrace,
  requestContextMiddleware,
  requestLogMixin,
  setRequestTrace,
  type RequestContextOptions,
  type RequestTrace,
} from './http/request-context.js';
export { AppLogger, type AppLoggerOptions } from './logging/app-logger.js';
export { LoggingModule } from './logging/logging.module.js';
export { REDACT_PATHS } from './logging/redaction.js';
export { DatabaseModule, type DatabaseModuleOptions } from './database/database.module.js';
export { databaseOptions } from './database/database.options.js';
export { EmbeddedPostgres } from './database/embedded-postgres.js';
export { runMigrations } from './database/migrate.js';
export {
  MonthlyPartitions,
  DETACH_LOCK_TIMEOUT_MS,
  type DroppedPartition,
  type MonthPartition,
} from './database/monthly-partitions.js';
export { PAGE_LIMIT_MAX, PAGE_OFFSET_MAX, PageQueryDto, page, type Page } from './pagination/pagination.js';
export { MICROS_PER_CREDIT, formatCredits, parseCredits } from './money.js';
export const API_PREFIX = 'api/v1';
export { SettingEntity } from './settings/setting.entity.js';
export { SettingsModule } from './settings/settings.module.js';
export { SettingsService } from './settings/settings.service.js';
export { RedisModule } from './redis/redis.module.js';
export { RedisService } from './redis/redis.service.js';
export type { AuthConfig, CacheConfig, ResponsesConfig, RoutingConfig } from './config/app-config.js';
export {
  CounterStore,
  FLUSH_MS,
  QUICK_MIN_LIMIT,
  VIEW_FRESH_MS,
  type Counter,
  type CounterLimit,
} from './redis/counter-store.js';
export { boundedLru } from './lru.js';
export { LoadingCache, SingleFlight } from './single-flight.js';
export { TOKENIZER_CHUNK_CHARS, tokenizerChunks } from './tokenizer-chunks.js';
export {
  ANSWER_TOO_LARGE_CODE,
  AnswerTooLargeError,
  DEFAULT_MAX_ANSWER_BYTES,
  MAX_ERROR_BODY_BYTES,
  OUTBOUND_POLICY_CODE,
  OutboundPolicy,
  OutboundPolicyError,
  parseAllowEntry,
} from './outbound/outbound-policy.js';
export { isPublicAddress } from './outbound/ip-ranges.js';
export { metricsEnabled, type ObservabilityConfig } from './config/observability-config.js';
export {
  NOOP_SPAN,
  NOOP_TELEMETRY,
  NoopTelemetry,
  Telemetry,
  type RateLimitKind,
  type SettledCall,
  type TelemetrySpan,
} from './telemetry/telemetry.js';
