export { AuthModule, AUTH_ENTITIES } from './auth.module.js';
export {
  hasRole,
  scopeOf,
  tenantScope,
  ROLES,
  type Caller,
  type CallerApiKey,
  type Role,
  type TenantScope,
} from './caller.js';
export { AllowApiKey, AuthRateLimited, CurrentCaller, Public, Roles } from './decorators.js';
export { ApiKeysService, API_KEY_PREFIX } from './services/api-keys.service.js';
export { AuthCache } from './services/auth-cache.service.js';
export { TenantEntity } from './entities/tenant.entity.js';
export { UserEntity } from './entities/user.entity.js';
export { ApiKeyEntity } from './entities/api-key.entity.js';
export { RefreshTokenEntity } from './entities/refresh-token.entity.js';
export { BootstrapService, DEFAULT_ADMIN_EMAIL } from './services/bootstrap.service.js';
export { apiKeyPrecheck } from './guards/api-key-precheck.js';
export { InvalidKeyTarpit } from './guards/invalid-key-tarpit.js';
export { RateLimitGuard, TPM_WINDOW_MS, tpmCounterKey } from './rate-limit/rate-limit.guard.js';
export { CallerGuard } from './guards/caller.guard.js';
