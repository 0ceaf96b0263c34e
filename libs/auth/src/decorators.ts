import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Caller, Role } from './caller.js';

export const IS_PUBLIC = 'switchyard:public';
export const MIN_ROLE = 'switchyard:min-role';
export const ALLOW_API_KEY = 'switchyard:allow-api-key';
export const AUTH_RATE_LIMITED = 'switchyard:auth-rate-limited';

/** No credentials needed (health, login). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The least role that may call this (platform_admin > tenant_admin > member). */
export const Roles = (role: Role) => SetMetadata(MIN_ROLE, role);

/**
 * Switchyard API keys may call this too. Management routes take JWTs only unless marked, so a
 * leaked inference key cannot mint keys or manage users.
 */
export const AllowApiKey = () => SetMetadata(ALLOW_API_KEY, true);

/** Per-IP limit for credential endpoints (login, token, refresh, invites). */
export const AuthRateLimited = () => SetMetadata(AUTH_RATE_LIMITED, true);

/** The authenticated caller of this request. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Caller =>
    ctx.switchToHttp().getRequest<{ caller: Caller }>().caller,
);
