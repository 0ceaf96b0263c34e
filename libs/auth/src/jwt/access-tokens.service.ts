import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig, AuthenticationError } from '@switchyard/core';
import type { Caller } from '../caller.js';
import { UsersAuthLookup } from '../services/users-auth-lookup.service.js';
import type { AccessTokenClaims } from './access-token.js';
import { JwtKeys } from './jwt-keys.service.js';

/**
 * Verifies access tokens: only the configured algorithm (so `alg: none` and algorithm confusion
 * fail), signature, issuer, audience and expiry; then the user must still be active with the
 * session version the token was issued under (a password change or disable ends it at once).
 */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly keys: JwtKeys,
    private readonly users: UsersAuthLookup,
  ) {}

  async verify(token: string): Promise<Caller> {
    const invalid = new AuthenticationError('The access token is invalid, expired or revoked.', {
      code: 'invalid_token',
    });
    const { algorithm, issuer, audience } = this.config.auth.jwt;
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, {
        algorithms: [algorithm],
        secret: this.keys.verificationKey,
        publicKey: this.keys.verificationKey,
        issuer,
        audience,
      });
    } catch {
      throw invalid;
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string') throw invalid;
    const user = await this.users.lookup(claims.sub);
    if (!user || !user.active || user.sessionVersion !== claims.ver) throw invalid;
    return user.caller;
  }
}
