import { Injectable, Optional } from '@nestjs/common';
import { ActivityLogService } from '@switchyard/activity-log';
import { NOOP_TELEMETRY, Telemetry } from '@switchyard/core';
import type { CallContext, FailoverObserver } from './upstream-executor.js';

/**
 * Records model-level failovers (one model gave up, the next is tried) in the activity log, and
 * counts them in the metrics (`switchyard_failovers_total`).
 */
@Injectable()
export class ActivityFailoverObserver implements FailoverObserver {
  private readonly telemetry: Telemetry;

  constructor(
    private readonly activity: ActivityLogService,
    @Optional() telemetry?: Telemetry,
  ) {
    this.telemetry = telemetry ?? NOOP_TELEMETRY;
  }

  modelFailover(
    from: string,
    to: string,
    reason: string,
    context: CallContext,
    details: Record<string, unknown> = {},
  ): void {
    this.telemetry.failover(from, to, reason);
    this.activity.record({
      action: 'FAILOVER',
      tenantId: context.tenantId,
      actor: context.apiKeyId
        ? { type: 'api_key', id: context.apiKeyId, label: null }
        : { type: 'user', id: context.userId, label: null },
      provider: from.split('/')[0] ?? null,
      description: details['mid_stream']
        ? `Mid-stream failover: ${from} broke off after ${String(details['delivered_chars'])} characters; ${to} continued the stream (${reason}).`
        : `Model failover from ${from} to ${to} (${reason}).`,
      requestId: context.requestId || null,
      ip: context.ip ?? null,
      metadata: { level: 'model', from, to, reason, ...details },
    });
  }
}
