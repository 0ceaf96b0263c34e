import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysController } from './controllers/api-keys.controller.js';
import { AuthController } from './controllers/auth.controller.js';
import { TenantsController } from './controllers/tenants.controller.js';
import { UsersController } from './controllers/users.controller.js';
import { ApiKeyEntity } from './entities/api-key.entity.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import { TenantEntity } from './entities/tenant.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { CallerGuard } from './guards/caller.guard.js';
import { JwtKeys } from './jwt/jwt-keys.service.js';
import { AccessTokens } from './jwt/access-tokens.service.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';
import { ApiKeyRepository } from './repositories/api-key.repository.js';
import { RefreshTokenRepository } from './repositories/refresh-token.repository.js';
import { TenantRepository } from './repositories/tenant.repository.js';
import { UserRepository } from './repositories/user.repository.js';
import { ApiKeyTags } from './services/api-key-tags.service.js';
import { InvalidKeyTarpit } from './guards/invalid-key-tarpit.js';
import { ApiKeysService } from './services/api-keys.service.js';
import { AuthCache } from './services/auth-cache.service.js';
import { AuthService } from './services/auth.service.js';
import { BootstrapService } from './services/bootstrap.service.js';
import { ConfiguredApiKeys } from './services/configured-api-keys.service.js';
import { LoginAttempts } from './services/login-attempts.service.js';
import { TenantsService } from './services/tenants.service.js';
import { TokensService } from './services/tokens.service.js';
import { UsersAuthLookup } from './services/users-auth-lookup.service.js';
import { UsersService } from './services/users.service.js';

export const AUTH_ENTITIES = [TenantEntity, UserEntity, RefreshTokenEntity, ApiKeyEntity];

/**
 * Tenants, users, roles, JWT login, Switchyard API keys, and per-caller rate limits. Its guards
 * are global: every route needs a caller unless marked @Public().
 */
@Module({
  imports: [TypeOrmModule.forFeature(AUTH_ENTITIES), JwtModule.register({})],
  controllers: [AuthController, TenantsController, UsersController, ApiKeysController],
  providers: [
    TenantRepository,
    UserRepository,
    RefreshTokenRepository,
    ApiKeyRepository,
    AuthCache,
    JwtKeys,
    AccessTokens,
    UsersAuthLookup,
    TokensService,
    LoginAttempts,
    AuthService,
    UsersService,
    TenantsService,
    ApiKeyTags,
    ApiKeysService,
    InvalidKeyTarpit,
    BootstrapService,
    ConfiguredApiKeys,
    // Global guards run in this order: who is calling, then how often. The gateway's hot routes
    // (apps/gateway/src/hot-routes.ts, decision 0025) run the same two instances: a new global
    // guard goes there too.
    CallerGuard,
    RateLimitGuard,
    { provide: APP_GUARD, useExisting: CallerGuard },
    { provide: APP_GUARD, useExisting: RateLimitGuard },
  ],
  exports: [ApiKeysService, InvalidKeyTarpit, UsersAuthLookup, AuthCache, CallerGuard, RateLimitGuard],
})
export class AuthModule {}
