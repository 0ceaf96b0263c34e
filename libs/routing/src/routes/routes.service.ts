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
import type { CreateRouteDto, RouteListQueryDto, RouteTargetDto, UpdateRouteDto } from './route.dto.js';
import { RouteView } from './route.dto.js';
import { RouteEntity } from './route.entity.js';
import { RouteRegistry } from './route.registry.js';
import type { RouteTarget } from './route.types.js';

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
    const targets = this.targetsOf(dto.targets, tenantId ?? caller.tenantId);
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
    if (dto.key_strategy !== undefined) values.keyStrategy = dto.key_strategy;
    if (dto.stream_failover !== undefined) values.streamFailover = dto.stream_failover;
    if (dto.cache_ttl_seconds !== undefined) values.cacheTtlSeconds = dto.cache_ttl_seconds;
    if (dto.targets !== undefined)
      values.targets = this.targetsOf(dto.targets, row.tenantId ?? caller.tenantId);
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
