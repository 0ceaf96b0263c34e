import { AuthenticationError, writeError } from '@switchyard/core';
import type { NextFunction, Request, Response } from 'express';
import { ApiKeysService } from '../services/api-keys.service.js';
import { INVALID_API_KEY_MESSAGE, credentialOf, isApiKeyCredential } from './caller.guard.js';
import type { InvalidKeyTarpit } from './invalid-key-tarpit.js';

/**
 * An Express middleware for POST /v1, mounted before the body parser: a forged API key (its tag
 * does not verify) gets the same 401 the caller guard gives, before the body is read, parsed and
 * routed. A flood of invalid keys then costs the gateway a header check per request. Everything
 * else goes on to the guard, which remains the one place that admits callers. An address that
 * keeps sending forged keys has its 401s held (`InvalidKeyTarpit`).
 */
export function apiKeyPrecheck(apiKeys: ApiKeysService, tarpit: InvalidKeyTarpit) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST') return next();
    const credential = credentialOf(req);
    if (credential && isApiKeyCredential(req, credential) && apiKeys.forged(credential)) {
      const refuse = () => {
        if (!res.destroyed) writeError(new AuthenticationError(INVALID_API_KEY_MESSAGE), req, res);
      };
      const delay = tarpit.refused(req.ip);
      if (delay > 0) setTimeout(refuse, delay);
      else refuse();
      return;
    }
    next();
  };
}
