import { Injectable } from '@nestjs/common';
import { hasRole, scopeOf, type Caller } from '@switchyard/auth';
import { formatCredits, InvalidRequestError, NotFoundError, PermissionDeniedError } from '@switchyard/core';
import type {
  UsageErrorsQueryDto,
  UsageErrorsView,
  UsageGroupView,
  UsageQueryDto,
  UsageTotalsView,
  UsageView,
} from '../dto/usage.dto.js';
import { AccountsRepository } from '../repositories/accounts.repository.js';
import {
  UsageRepository,
  type UsageAggregateRow,
  type UsageGroup,
} from '../repositories/usage.repository.js';

const DEFAULT_WINDOW_MS = 30 * 86_400_000;

/**
 * Usage aggregates for the dashboard. Members and API keys see their own calls; tenant admins
 * their tenant's; platform admins everyone's.
 */
@Injectable()
export class UsageService {
  constructor(
    private readonly usage: UsageRepository,
    private readonly accounts: AccountsRepository,
  ) {}

  async aggregate(caller: Caller, query: UsageQueryDto): Promise<UsageView> {
    const scope = scopeOf(caller);
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_WINDOW_MS);
    if (from >= to) throw new InvalidRequestError('from must be before to.', { param: 'from' });
    const groups = (query.group_by ?? 'day').split(',').filter(Boolean) as UsageGroup[];
    if (new Set(groups).size !== groups.length) {
      throw new InvalidRequestError('group_by lists a dimension twice.', { param: 'group_by' });
    }
    // API keys and members see only their own calls, whatever their role.
    const own = caller.kind === 'api_key' || !hasRole(caller.role, 'tenant_admin');
    let userId = query.user_id;
    if (own) {
      if (userId && userId !== caller.userId)
        throw new PermissionDeniedError('You can only see your own usage.');
      userId = caller.userId;
    } else if (userId) {
      if (!(await this.accounts.findUser(scope, userId))) {
        throw new NotFoundError(`No user with id ${userId}.`, { param: 'user_id' });
      }
    }
    if (query.tenant_id && scope.kind === 'tenant' && query.tenant_id !== scope.tenantId) {
      throw new NotFoundError(`No tenant with id ${query.tenant_id}.`, { param: 'tenant_id' });
    }
    const { rows, totals, truncated } = await this.usage.aggregate(
      scope,
      groups,
      {
        from,
        to,
        tenantId: query.tenant_id,
        userId,
        apiKeyId: query.api_key_id,
        model: query.model,
        provider: query.provider,
      },
      query.limit,
    );
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      group_by: groups,
      data: rows.map((r) => ({ ...r.group, ...totalsView(r) }) as UsageGroupView),
      totals: totalsView(totals),
      truncated,
    };
  }

  /** The latest failed or aborted calls: a member's own, an admin's tenant, or (platform) all. */
  async errors(caller: Caller, query: UsageErrorsQueryDto): Promise<UsageErrorsView> {
    const scope = scopeOf(caller);
    const own = caller.kind === 'api_key' || !hasRole(caller.role, 'tenant_admin');
    if (query.tenant_id && scope.kind === 'tenant' && query.tenant_id !== scope.tenantId) {
      throw new NotFoundError(`No tenant with id ${query.tenant_id}.`, { param: 'tenant_id' });
    }
    const from = query.from ? new Date(query.from) : new Date(Date.now() - 7 * 86_400_000);
    const rows = await this.usage.recentErrors(
      scope,
      { from, userId: own ? caller.userId : undefined, tenantId: query.tenant_id },
      query.limit,
    );
    return {
      data: rows.map((r) => ({
        time: r.at.toISOString(),
        request_id: r.requestId,
        user_id: r.userId,
        api_key_id: r.apiKeyId,
        provider: r.provider,
        model: r.model,
        endpoint: r.endpoint,
        status: r.status,
        error_class: r.errorClass,
        latency_ms: r.latencyMs,
      })),
    };
  }
}

function totalsView(r: Omit<UsageAggregateRow, 'group'>): UsageTotalsView {
  return {
    requests: r.requests,
    errors: r.errors,
    input_tokens: r.inputTokens.toString(),
    output_tokens: r.outputTokens.toString(),
    cached_input_tokens: r.cachedInputTokens.toString(),
    cost: formatCredits(r.cost),
    avg_latency_ms: r.avgLatencyMs,
    p50_latency_ms: r.p50LatencyMs,
    p95_latency_ms: r.p95LatencyMs,
    avg_ttft_ms: r.avgTtftMs,
  };
}
