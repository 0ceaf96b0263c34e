import { Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  AppConfig,
  CounterStore,
  NOOP_TELEMETRY,
  RateLimitError,
  Telemetry,
  type Counter,
  type RateLimitKind,
} from '@switchyard/core';
import type { Request, Response } from 'express';
import type { Caller } from '../caller.js';
import { AUTH_RATE_LIMITED } from '../decorators.js';
import { RouteMetadata } from '../guards/route-metadata.js';

const WINDOW_MS = 60_000;

/**
 * Requests per minute, per caller: the API key's RPM, else its tenant's default, else
 * DEFAULT_RPM; keyed by API key (else user). Credential endpoints are also limited per client
 * address. One counter increment per request, in memory or on Redis, where only a caller past
 * half a limit waits for the round trip (decisions 0004 and 0029). Every
 * checked response carries x-ratelimit-* headers.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly telemetry: Telemetry;
  private readonly metadata: RouteMetadata;

  constructor(
    reflector: Reflector,
    private readonly config: AppConfig,
    private readonly counters: CounterStore,
    @Optional() telemetry?: Telemetry,
  ) {
    this.telemetry = telemetry ?? NOOP_TELEMETRY;
    this.metadata = new RouteMetadata(reflector);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const span = this.telemetry.startSpan('switchyard.rate_limit');
    try {
      const allowed = await this.check(context);
      span.end();
      return allowed;
    } catch (err) {
      if (err instanceof RateLimitError) this.telemetry.rateLimited(refusedBy(err));
      span.end(err);
      throw err;
    }
  }

  private async check(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request & { caller?: Caller }>();
    const res = http.getResponse<Response>();
    if (this.metadata.get<boolean>(AUTH_RATE_LIMITED, context)) {
      const { count, ttlMs } = await this.counters.increment(`auth-ip:${req.ip ?? 'unknown'}`, WINDOW_MS);
      if (count > this.config.auth.authRateLimitPerMinute) {
        throw new RateLimitError(
          'Too many authentication attempts from your address. Try again later.',
          ttlMs / 1000,
          {
            code: 'too_many_auth_attempts',
          },
        );
      }
    }
    const caller = req.caller;
    if (!caller) return true;
    const limit = caller.apiKey?.rpm ?? caller.tenantRpm ?? this.config.auth.defaultRpm;
    const tracker = caller.apiKey ? `key:${caller.apiKey.id}` : `user:${caller.userId}`;
    // A key with a TPM on a model call reads its token counter in the same round trip.
    const tpm = caller.apiKey?.tpm && spendsTokens(req) ? caller.apiKey.tpm : undefined;
    // On Redis, a caller far below both limits does not wait for the round trip (decision 0029).
    const [{ count, ttlMs }, tokens] = await this.counters.admit(
      `rpm:${tracker}`,
      WINDOW_MS,
      limit,
      tpm ? { key: tpmCounterKey(caller.apiKey!.id), limit: tpm } : undefined,
    );
    const resetSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
    res.setHeader('x-ratelimit-limit-requests', limit);
    res.setHeader('x-ratelimit-remaining-requests', Math.max(0, limit - count));
    res.setHeader('x-ratelimit-reset-requests', `${resetSeconds}s`);
    if (count > limit) {
      throw new RateLimitError(
        `Rate limit reached: ${limit} requests per minute. Try again in ${resetSeconds} s.`,
        resetSeconds,
      );
    }
    if (tpm && tokens) this.checkTokens(tpm, tokens, res);
    return true;
  }

  /**
   * An API key's tokens per minute: the tokens its calls used in the current window (counted
   * at settlement, see `tpmCounterKey`) must still be under the limit for a new call to start;
   * the call that crosses it is let through, as a call's size is only known once it ran.
   */
  private checkTokens(tpm: number, { count, ttlMs }: Counter, res: Response): void {
    const resetSeconds = Math.max(1, Math.ceil((ttlMs || WINDOW_MS) / 1000));
    res.setHeader('x-ratelimit-limit-tokens', tpm);
    res.setHeader('x-ratelimit-remaining-tokens', Math.max(0, tpm - count));
    res.setHeader('x-ratelimit-reset-tokens', `${resetSeconds}s`);
    if (count >= tpm) {
      throw new RateLimitError(
        `Rate limit reached: ${tpm} tokens per minute for this API key. Try again in ${resetSeconds} s.`,
        resetSeconds,
        { code: 'tokens_rate_limit_exceeded' },
      );
    }
  }
}

/** Which limit a refusal came from, for the metrics. */
function refusedBy(err: RateLimitError): RateLimitKind {
  if (err.code === 'too_many_auth_attempts') return 'auth';
  return err.code === 'tokens_rate_limit_exceeded' ? 'tokens' : 'requests';
}

/** Model calls (POST /v1/..., files aside); listing models or reading files spends no tokens. */
function spendsTokens(req: Request): boolean {
  const path = req.originalUrl ?? req.url;
  return req.method === 'POST' && path.startsWith('/v1/') && !path.startsWith('/v1/files');
}

/** The counter of the tokens an API key's calls used in the current minute. */
export function tpmCounterKey(apiKeyId: string): string {
  return `tpm:key:${apiKeyId}`;
}

/** The window of the per-key token counter. */
export const TPM_WINDOW_MS = WINDOW_MS;
