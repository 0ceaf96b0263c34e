import { Injectable } from '@nestjs/common';
import { hasRole, type Caller } from '@switchyard/auth';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  page,
  type Page,
} from '@switchyard/core';
import { ModelResolver } from '@switchyard/providers';
import type { FindOptionsWhere } from 'typeorm';
import { IsNull } from 'typeorm';
import type {
  CreateRouteDto,
  RouteListQueryDto,
  RouteStrategyParamsDto,
  RouteTargetDto,
  UpdateRouteDto,
} from './route.dto.js';
import { RouteView } from './route.dto.js';
import { RouteEntity } from './route.entity.js';
import { RouteRegistry } from './route.registry.js';
import {
  isOrchestrationStrategy,
  type RouteStrategyName,
  type RouteStrategyParams,
  type RouteTarget,
} from './route.types.js';

/** Each orchestration strategy's step models: required, optional. */
const STEP_FIELDS = {
  vote: { required: ['voters', 'judge'], optional: ['quorum', 'budget_ms'] },
  mix: { required: ['reasoner', 'answerer'], optional: [] },
  chain: { required: ['draft', 'critique'], optional: ['refine'] },
} as const satisfies Record<string, { required: readonly string[]; optional: readonly string[] }>;

const RESERVED_NAMES = new Set(['auto']);

/**
 * Named routes: platform admins manage platform routes (every tenant) and any tenant's; tenant
 * admins their tenant's; members may read what they can call. Another tenant's route is a 404.
 */
@Injectable()
export class RoutesService {
  constructor(
    private readonly registry: RouteRegistry,
    private readonly resolver: ModelResolver,
  ) {}

  async create(caller: Caller, dto: CreateRouteDto): Promise<RouteView> {
    this.assertAdmin(caller);
    const tenantId = this.tenantFor(caller, dto.scope, dto.tenant_id);
    const name = dto.name.trim();
    if (RESERVED_NAMES.has(name.toLowerCase())) {
      throw new InvalidRequestError(`"${name}" is reserved.`, { param: 'name', code: 'route_name_taken' });
    }
    if (this.resolver.tryResolve(name, { tenantId: tenantId ?? caller.tenantId })) {
      throw new InvalidRequestError(`"${name}" already names a model; a route must not hide it.`, {
        param: 'name',
        code: 'route_name_taken',
      });
    }
    const { targets, strategyParams } = this.modelsOf(
      dto.strategy,
      dto.targets,
      dto.strategy_params,
      tenantId ?? caller.tenantId,
    );
    const scopeKey = tenantId ?? 'platform';
    if (await this.registry.repo.exists({ where: { scopeKey, name } })) {
      throw new ConflictError(`A route named "${name}" already exists.`, {
        param: 'name',
        code: 'duplicate_route',
      });
    }
    const row = this.registry.repo.create({
      tenantId,
      scopeKey,
      name,
      description: dto.description?.trim() || null,
      strategy: dto.strategy,
      keyStrategy: dto.key_strategy ?? 'ordered',
      streamFailover: dto.stream_failover ?? true,
      cacheTtlSeconds: dto.cache_ttl_seconds ?? null,
      targets,
      strategyParams,
      createdBy: caller.userId,
    });
    try {
      await this.registry.repo.save(row);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new ConflictError(`A route named "${name}" already exists.`, {
          param: 'name',
          code: 'duplicate_route',
        });
      }
      throw err;
    }
    await this.registry.changed();
    return RouteView.from(await this.find(caller, row.id));
  }

  async list(caller: Caller, query: RouteListQueryDto): Promise<Page<RouteView>> {
    const where: Array<FindOptionsWhere<RouteEntity>> =
      caller.role === 'platform_admin' ? [{}] : [{ tenantId: IsNull() }, { tenantId: caller.tenantId }];
    const [rows, total] = await this.registry.repo.findAndCount({
      where,
      order: { createdAt: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return page(
      rows.map((r) => RouteView.from(r)),
      total,
      query,
    );
  }

  async get(caller: Caller, id: string): Promise<RouteView> {
    return RouteView.from(await this.find(caller, id));
  }

  async update(caller: Caller, id: string, dto: UpdateRouteDto): Promise<RouteView> {
    const row = await this.find(caller, id);
    this.assertMayWrite(caller, row);
    const values: Partial<RouteEntity> = {};
    if (dto.description !== undefined) values.description = dto.description?.trim() || null;
    if (dto.strategy !== undefined) values.strategy = dto.strategy;
    const strategy = dto.strategy ?? row.strategy;
    if (dto.strategy !== undefined || dto.targets !== undefined || dto.strategy_params !== undefined) {
      // An orchestration route keeps its step models unless new ones are sent (and vice versa).
      const sameKind = isOrchestrationStrategy(strategy) === isOrchestrationStrategy(row.strategy);
      const keptParams =
        sameKind && strategy === row.strategy ? (row.strategyParams ?? undefined) : undefined;
      const models = this.modelsOf(
        strategy,
        dto.targets ?? (isOrchestrationStrategy(strategy) || !sameKind ? undefined : row.targets),
        dto.strategy_params ?? keptParams,
        row.tenantId ?? caller.tenantId,
        dto.targets === undefined && !isOrchestrationStrategy(strategy) && sameKind,
      );
      values.targets = models.targets;
      values.strategyParams = models.strategyParams;
    }
    if (dto.key_strategy !== undefined) values.keyStrategy = dto.key_strategy;
    if (dto.stream_failover !== undefined) values.streamFailover = dto.stream_failover;
    if (dto.cache_ttl_seconds !== undefined) values.cacheTtlSeconds = dto.cache_ttl_seconds;
    if (Object.keys(values).length > 0) {
      await this.registry.repo.save({ ...row, ...values });
      await this.registry.changed();
    }
    return this.get(caller, id);
  }

  async delete(caller: Caller, id: string): Promise<void> {
    const row = await this.find(caller, id);
    this.assertMayWrite(caller, row);
    await this.registry.repo.delete({ id: row.id });
    await this.registry.changed();
  }

  /**
   * A route's models: the targets of a target strategy, or an orchestration strategy's step
   * models (its targets are then those models, for listing and the key's allowed models).
   * `stored`: the targets come from the row as they are (already checked).
   */
  private modelsOf(
    strategy: RouteStrategyName,
    targets: RouteTargetDto[] | RouteTarget[] | undefined,
    params: RouteStrategyParamsDto | RouteStrategyParams | undefined,
    tenantId: string,
    stored = false,
  ): { targets: RouteTarget[]; strategyParams: RouteStrategyParams | null } {
    if (!isOrchestrationStrategy(strategy)) {
      if (params !== undefined)
        throw new InvalidRequestError(`strategy_params are for mix, vote and chain, not ${strategy}.`, {
          param: 'strategy_params',
        });
      if (!targets || targets.length === 0)
        throw new InvalidRequestError(`A ${strategy} route needs targets.`, { param: 'targets' });
      return {
        targets: stored ? targets : this.targetsOf(targets, tenantId),
        strategyParams: null,
      };
    }
    if (targets !== undefined)
      throw new InvalidRequestError(
        `A ${strategy} route takes its models from strategy_params, not targets.`,
        { param: 'targets' },
      );
    if (!params)
      throw new InvalidRequestError(`A ${strategy} route needs strategy_params.`, {
        param: 'strategy_params',
      });
    const fields = STEP_FIELDS[strategy];
    const allowed = new Set<string>([...fields.required, ...fields.optional]);
    const given = params as Record<string, unknown>;
    for (const [field, value] of Object.entries(given)) {
      if (value !== undefined && !allowed.has(field))
        throw new InvalidRequestError(`${field} is not a parameter of ${strategy}.`, {
          param: `strategy_params.${field}`,
        });
    }
    for (const field of fields.required) {
      if (given[field] === undefined)
        throw new InvalidRequestError(`A ${strategy} route needs strategy_params.${field}.`, {
          param: `strategy_params.${field}`,
        });
    }
    const out: RouteStrategyParams = {};
    const ids: string[] = [];
    const model = (field: string, name: string): string => {
      const trimmed = name.trim();
      const resolved = this.resolver.tryResolve(trimmed, { tenantId });
      if (!resolved)
        throw new InvalidRequestError(`"${trimmed}" is not a model this gateway knows.`, {
          param: `strategy_params.${field}`,
          code: 'model_not_found',
        });
      ids.push(resolved.id);
      return trimmed;
    };
    const p = params;
    if (strategy === 'vote') {
      out.voters = p.voters!.map((v, i) => model(`voters[${i}]`, v));
      if (new Set(ids).size < ids.length)
        throw new InvalidRequestError('Each voter must be a different model.', {
          param: 'strategy_params.voters',
        });
      out.judge = model('judge', p.judge!);
      if (p.quorum !== undefined) {
        if (p.quorum > out.voters.length)
          throw new InvalidRequestError('quorum cannot exceed the number of voters.', {
            param: 'strategy_params.quorum',
          });
        out.quorum = p.quorum;
      }
      if (p.budget_ms !== undefined) out.budget_ms = p.budget_ms;
    } else if (strategy === 'mix') {
      out.reasoner = model('reasoner', p.reasoner!);
      out.answerer = model('answerer', p.answerer!);
      if (ids[0] === ids[1])
        throw new InvalidRequestError('The answerer must be another model than the reasoner.', {
          param: 'strategy_params.answerer',
        });
    } else {
      out.draft = model('draft', p.draft!);
      out.critique = model('critique', p.critique!);
      if (p.refine !== undefined) out.refine = model('refine', p.refine);
    }
    const names = [
      ...new Set(
        [out.voters ?? [], out.judge, out.reasoner, out.answerer, out.draft, out.critique, out.refine].flat(),
      ),
    ];
    return {
      targets: names.filter((n): n is string => typeof n === 'string').map((n) => ({ model: n })),
      strategyParams: out,
    };
  }

  /** Each target must resolve for the route's tenant now (a later change of the catalog is tolerated). */
  private targetsOf(dtos: RouteTargetDto[], tenantId: string): RouteTarget[] {
    const targets: RouteTarget[] = [];
    dtos.forEach((t, i) => {
      const model = t.model.trim();
      if (!this.resolver.tryResolve(model, { tenantId })) {
        throw new InvalidRequestError(`Target "${model}" is not a model this gateway knows.`, {
          param: `targets[${i}].model`,
          code: 'model_not_found',
        });
      }
      if (t.params && ('model' in t.params || 'stream' in t.params || 'messages' in t.params)) {
        throw new InvalidRequestError('Target params may not set model, stream or messages.', {
          param: `targets[${i}].params`,
        });
      }
      targets.push({
        model,
        ...(t.weight !== undefined ? { weight: t.weight } : {}),
        ...(t.params !== undefined ? { params: t.params } : {}),
        ...(t.timeout_ms !== undefined ? { timeoutMs: t.timeout_ms } : {}),
      });
    });
    if (targets.every((t) => t.weight === 0)) {
      throw new InvalidRequestError('At least one target needs a weight above 0.', { param: 'targets' });
    }
    return targets;
  }

  private async find(caller: Caller, id: string): Promise<RouteEntity> {
    const row = await this.registry.repo.findOne({ where: { id } });
    const visible =
      row && (caller.role === 'platform_admin' || row.tenantId === null || row.tenantId === caller.tenantId);
    if (!row || !visible) throw new NotFoundError(`No route ${id}.`, { code: 'route_not_found' });
    return row;
  }

  private assertAdmin(caller: Caller): void {
    if (!hasRole(caller.role, 'tenant_admin'))
      throw new PermissionDeniedError('Only admins may manage routes.');
  }

  private assertMayWrite(caller: Caller, row: RouteEntity): void {
    this.assertAdmin(caller);
    if (row.tenantId === null && caller.role !== 'platform_admin') {
      throw new PermissionDeniedError('Only platform admins may change platform routes.');
    }
  }

  private tenantFor(
    caller: Caller,
    scope: 'platform' | 'tenant' | undefined,
    tenantId?: string,
  ): string | null {
    if (caller.role === 'platform_admin') {
      if ((scope ?? 'platform') === 'platform') {
        if (tenantId)
          throw new InvalidRequestError('A platform route has no tenant_id.', { param: 'tenant_id' });
        return null;
      }
      return tenantId ?? caller.tenantId;
    }
    if (scope === 'platform') {
      throw new PermissionDeniedError('Only platform admins may create platform routes.', { param: 'scope' });
    }
    if (tenantId && tenantId !== caller.tenantId) {
      throw new PermissionDeniedError('You may create routes for your own tenant only.', {
        param: 'tenant_id',
      });
    }
    return caller.tenantId;
  }
}
