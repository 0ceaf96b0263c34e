import { Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticationError, NOOP_TELEMETRY, PermissionDeniedError, Telemetry } from '@switchyard/core';
import type { Request } from 'express';
import { hasRole, type Caller, type Role } from '../caller.js';
import { ALLOW_API_KEY, IS_PUBLIC, MIN_ROLE } from '../decorators.js';
import { API_KEY_PREFIX } from '../crypto.js';
import { ApiKeysService } from '../services/api-keys.service.js';
import { AccessTokens } from '../jwt/access-tokens.service.js';
import { InvalidKeyTarpit } from './invalid-key-tarpit.js';
import { RouteMetadata } from './route-metadata.js';

type CallerRequest = Request & { caller?: Caller };

export const INVALID_API_KEY_MESSAGE = 'Incorrect API key provided, or the key is revoked or expired.';

/**
 * Whether the guard would take this credential for an API key (not a JWT) by its form alone; an
 * API_KEYS key sent as a Bearer token is recognised by `ApiKeysService.isConfigured` (decision 0018).
 */
export function isApiKeyCredential(req: Request, credential: string): boolean {
  return credential.startsWith(API_KEY_PREFIX) || !req.headers.authorization;
}

/** `Authorization: Bearer <key or JWT>`, or `X-Api-Key: <key>`. */
export function credentialOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const [scheme, value] = header.split(' ');
    if (scheme?.toLowerCase() === 'bearer' && value) return value.trim();
  }
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey ? apiKey.trim() : undefined;
}

/**
 * The one guard that turns credentials into a caller: a Switchyard API key or a JWT access token.
 * Then the route's minimum role. A key's tag is checked first, in constant time and without any
 * I/O, so a key this deployment did not issue is refused without a cache or database lookup
 * (decision 0006); a valid key is cached, so a warm one reads no database either.
 */
@Injectable()
export class CallerGuard implements CanActivate {
  private readonly telemetry: Telemetry;
  private readonly metadata: RouteMetadata;

  constructor(
    reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly accessTokens: AccessTokens,
    private readonly tarpit: InvalidKeyTarpit,
    @Optional() telemetry?: Telemetry,
  ) {
    this.telemetry = telemetry ?? NOOP_TELEMETRY;
    this.metadata = new RouteMetadata(reflector);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.metadata.get<boolean>(IS_PUBLIC, context)) return true;
    const span = this.telemetry.startSpan('switchyard.auth');
    try {
      const allowed = await this.authenticate(context);
      span.end();
      return allowed;
    } catch (err) {
      span.end(err);
      throw err;
    }
  }

  private async authenticate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<CallerRequest>();
    const credential = credentialOf(req);
    if (!credential) {
      throw new AuthenticationError(
        'You did not provide an API key. Send it as "Authorization: Bearer <key>" or "X-Api-Key: <key>".',
        { code: 'missing_api_key' },
      );
    }
    if (isApiKeyCredential(req, credential) || this.apiKeys.isConfigured(credential)) {
      const caller = await this.apiKeys.verify(credential);
      if (!caller) {
        const delay = this.tarpit.refused(req.ip);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        throw new AuthenticationError(INVALID_API_KEY_MESSAGE);
      }
      if (!this.metadata.get<boolean>(ALLOW_API_KEY, context)) {
        throw new PermissionDeniedError('This endpoint needs a user login (JWT), not an API key.', {
          code: 'api_key_not_allowed',
        });
      }
      req.caller = caller;
    } else {
      req.caller = await this.accessTokens.verify(credential);
    }
    const minRole = this.metadata.get<Role>(MIN_ROLE, context);
    if (minRole && !hasRole(req.caller.role, minRole)) {
      throw new PermissionDeniedError(`This needs the ${minRole} role.`);
    }
    return true;
  }
}
