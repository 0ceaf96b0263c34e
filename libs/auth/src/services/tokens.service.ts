import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig, AuthenticationError } from '@switchyard/core';
import { randomSecret, sha256 } from '../crypto.js';
import type { UserEntity } from '../entities/user.entity.js';
import type { AccessTokenClaims } from '../jwt/access-token.js';
import { JwtKeys } from '../jwt/jwt-keys.service.js';
import { RefreshTokenRepository } from '../repositories/refresh-token.repository.js';
import { UserRepository } from '../repositories/user.repository.js';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

const REFRESH_PREFIX = 'syr_';

/**
 * Access tokens (short JWTs) and refresh tokens (random, stored hashed). Refresh tokens rotate on
 * every use; presenting a used one again is taken as theft and revokes its whole family.
 */
@Injectable()
export class TokensService {
  constructor(
    private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly keys: JwtKeys,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly users: UserRepository,
  ) {}

  async issue(user: UserEntity, familyId: string = randomUUID()): Promise<TokenPair> {
    const { jwt } = this.config.auth;
    const claims: AccessTokenClaims = {
      sub: user.id,
      tid: user.tenantId,
      role: user.role,
      ver: user.sessionVersion,
      typ: 'access',
    };
    const access = await this.jwt.signAsync(claims, {
      algorithm: jwt.algorithm,
      privateKey: this.keys.signingKey,
      secret: this.keys.signingKey,
      issuer: jwt.issuer,
      audience: jwt.audience,
      expiresIn: jwt.accessTtlSeconds,
      jwtid: randomUUID(),
    });
    const refresh = `${REFRESH_PREFIX}${randomSecret(32)}`;
    await this.refreshTokens.create({
      userId: user.id,
      familyId,
      tokenHash: sha256(refresh),
      expiresAt: new Date(Date.now() + jwt.refreshTtlSeconds * 1000),
    });
    return {
      access_token: access,
      refresh_token: refresh,
      token_type: 'bearer',
      expires_in: jwt.accessTtlSeconds,
    };
  }

  async refresh(presented: string): Promise<TokenPair> {
    const invalid = new AuthenticationError('The refresh token is invalid or expired.', {
      code: 'invalid_refresh_token',
    });
    if (!presented.startsWith(REFRESH_PREFIX)) throw invalid;
    const token = await this.refreshTokens.findByHash(sha256(presented));
    if (!token) throw invalid;
    if (token.revokedAt) {
      // Reuse of a rotated token: whoever holds the family now is not to be trusted.
      await this.refreshTokens.revokeFamily(token.familyId);
      throw new AuthenticationError(
        'This refresh token was already used; all sessions of its login are revoked.',
        {
          code: 'refresh_token_reused',
        },
      );
    }
    if (token.expiresAt.getTime() <= Date.now()) throw invalid;
    const user = await this.users.findForAuth(token.userId);
    if (!user || user.status !== 'active') throw invalid;
    const successor = randomUUID();
    if (!(await this.refreshTokens.consume(token.id, successor))) {
      // Lost a race with a concurrent refresh of the same token: that is reuse too.
      await this.refreshTokens.revokeFamily(token.familyId);
      throw new AuthenticationError(
        'This refresh token was already used; all sessions of its login are revoked.',
        {
          code: 'refresh_token_reused',
        },
      );
    }
    return this.issue(user, token.familyId);
  }

  /** Logout: the presented token's family ends. Unknown tokens are ignored (idempotent). */
  async revoke(presented: string): Promise<void> {
    const token = await this.refreshTokens.findByHash(sha256(presented));
    if (token) await this.refreshTokens.revokeFamily(token.familyId);
  }

  async revokeAll(userId: string): Promise<void> {
    await this.refreshTokens.revokeAllForUser(userId);
  }
}
