import { Injectable } from '@nestjs/common';
import { ActivityLogService } from '@switchyard/activity-log';
import { AuthenticationError, InvalidRequestError, NotFoundError } from '@switchyard/core';
import type { Caller } from '../caller.js';
import { hashPassword, sha256, verifyPassword } from '../crypto.js';
import type { ChangePasswordDto, TokenRequestDto } from '../dto/auth.dto.js';
import { MeView, TenantView, UserView } from '../dto/user.dto.js';
import { TenantRepository } from '../repositories/tenant.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { AuthCache } from './auth-cache.service.js';
import { LoginAttempts } from './login-attempts.service.js';
import { TokensService, type TokenPair } from './tokens.service.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly tenants: TenantRepository,
    private readonly tokens: TokensService,
    private readonly attempts: LoginAttempts,
    private readonly cache: AuthCache,
    private readonly activity: ActivityLogService,
  ) {}

  async login(email: string, password: string): Promise<TokenPair> {
    await this.attempts.assertAllowed(email);
    const user = await this.users.findByEmail(email);
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !ok) {
      await this.attempts.recordFailure(email);
      this.recordLogin('LOGIN_FAILED', email, user, 'Incorrect email or password.');
      throw new AuthenticationError('Incorrect email or password.', { code: 'invalid_credentials' });
    }
    const tenant = await this.tenants.findById({ kind: 'all' }, user.tenantId);
    if (user.status !== 'active' || tenant?.status !== 'active') {
      this.recordLogin('LOGIN_FAILED', email, user, 'The account or its tenant is disabled.');
      throw new AuthenticationError('This account is disabled.', { code: 'account_disabled' });
    }
    await this.attempts.recordSuccess(email);
    await this.users.touchLogin(user.id);
    this.recordLogin('LOGIN_SUCCEEDED', email, user, 'Logged in with a password.');
    return this.tokens.issue(user);
  }

  private recordLogin(
    action: 'LOGIN_SUCCEEDED' | 'LOGIN_FAILED',
    email: string,
    user: { id: string; tenantId: string } | null,
    description: string,
  ): void {
    this.activity.record({
      action,
      tenantId: user?.tenantId ?? null,
      actor: { type: 'user', id: user?.id ?? null, label: email.toLowerCase() },
      description,
    });
  }

  /** The OAuth2 token endpoint: the password grant (Swagger's Authorize) and the refresh grant. */
  async token(dto: TokenRequestDto): Promise<TokenPair> {
    if (dto.grant_type === 'refresh_token') {
      if (!dto.refresh_token)
        throw new InvalidRequestError('refresh_token is required.', { param: 'refresh_token' });
      return this.tokens.refresh(dto.refresh_token);
    }
    if (!dto.username) throw new InvalidRequestError('username is required.', { param: 'username' });
    if (!dto.password) throw new InvalidRequestError('password is required.', { param: 'password' });
    return this.login(dto.username, dto.password);
  }

  refresh(token: string): Promise<TokenPair> {
    return this.tokens.refresh(token);
  }

  /** Ends the login a refresh token belongs to (unknown tokens are ignored). */
  revokeRefreshToken(token: string): Promise<void> {
    return this.tokens.revoke(token);
  }

  async logout(caller: Caller, refreshToken: string | undefined, all: boolean): Promise<void> {
    if (all) {
      await this.endAllSessions(caller.userId);
      return;
    }
    if (!refreshToken)
      throw new InvalidRequestError('Give refresh_token, or all=true.', { param: 'refresh_token' });
    await this.tokens.revoke(refreshToken);
  }

  async me(caller: Caller): Promise<MeView> {
    const user = await this.users.findById({ kind: 'tenant', tenantId: caller.tenantId }, caller.userId);
    const tenant = await this.tenants.findById(
      { kind: 'tenant', tenantId: caller.tenantId },
      caller.tenantId,
    );
    if (!user || !tenant) throw new NotFoundError('Your account no longer exists.');
    return { user: UserView.from(user), tenant: TenantView.from(tenant), authenticated_by: caller.kind };
  }

  async changePassword(caller: Caller, dto: ChangePasswordDto): Promise<void> {
    const user = await this.users.findById({ kind: 'tenant', tenantId: caller.tenantId }, caller.userId);
    // A 400, not a 401: the caller's token is good, one field of the form is wrong (a 401 would
    // send clients into a token refresh). Decision 0023.
    if (!user || !(await verifyPassword(user.passwordHash, dto.current_password))) {
      throw new InvalidRequestError('The current password is incorrect.', {
        code: 'invalid_password',
        param: 'current_password',
      });
    }
    if (dto.new_password === dto.current_password) {
      throw new InvalidRequestError('The new password must differ from the current one.', {
        code: 'invalid_password',
        param: 'new_password',
      });
    }
    user.passwordHash = await hashPassword(dto.new_password);
    user.sessionVersion += 1;
    await this.users.save(user);
    await this.endAllSessions(user.id);
  }

  async acceptInvite(token: string, password: string): Promise<TokenPair> {
    const user = await this.users.findByInviteHash(sha256(token));
    if (
      !user ||
      user.status !== 'invited' ||
      !user.inviteExpiresAt ||
      user.inviteExpiresAt.getTime() <= Date.now()
    ) {
      throw new InvalidRequestError('This invitation is invalid or has expired.', {
        code: 'invalid_invite',
        param: 'token',
      });
    }
    user.passwordHash = await hashPassword(password);
    user.status = 'active';
    user.inviteTokenHash = null;
    user.inviteExpiresAt = null;
    await this.users.save(user);
    await this.cache.invalidateUser(user.id);
    this.recordLogin('LOGIN_SUCCEEDED', user.email, user, 'Accepted an invitation and set a password.');
    return this.tokens.issue(user);
  }

  /** Revokes every refresh token and, through the session version, every access token. */
  async endAllSessions(userId: string): Promise<void> {
    const user = await this.users.findForAuth(userId);
    if (user) {
      user.sessionVersion += 1;
      await this.users.save(user);
    }
    await this.tokens.revokeAll(userId);
    await this.cache.invalidateUser(userId);
  }
}
