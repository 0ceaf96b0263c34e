import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RedisService } from '@switchyard/core';
import type { Repository } from 'typeorm';
import { RouteEntity } from './route.entity.js';
import type { RouteDefinition } from './route.types.js';

const CHANNEL = 'sy:routes:changed';

function definitionOf(row: RouteEntity): RouteDefinition {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    description: row.description,
    strategy: row.strategy,
    keyStrategy: row.keyStrategy,
    streamFailover: row.streamFailover,
    cacheTtlSeconds: row.cacheTtlSeconds,
    targets: row.targets,
    strategyParams: row.strategyParams ?? null,
  };
}

/**
 * Every route in memory, for the hot path (model resolution is synchronous): loaded at boot and
 * reloaded on every change, on every instance (Redis pub/sub when configured). Routes are few
 * (tens, not millions), so a change reloads them all. Also the only code that touches the table.
 */
@Injectable()
export class RouteRegistry implements OnModuleInit {
  private readonly logger = new Logger(RouteRegistry.name);
  private platform = new Map<string, RouteDefinition>();
  private byTenant = new Map<string, Map<string, RouteDefinition>>();
  private counters = new Map<string, number>();
  private generation = 0;
  private applied = 0;

  constructor(
    @InjectRepository(RouteEntity) readonly repo: Repository<RouteEntity>,
    private readonly redis: RedisService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    await this.redis.subscribe(CHANNEL, () => {
      this.reload().catch((err: unknown) =>
        this.logger.warn(`routes reload failed: ${(err as Error).message}`),
      );
    });
  }

  /** The route a caller of this tenant reaches by `name`: its tenant's own first, then the platform's. */
  find(name: string, tenantId: string): RouteDefinition | undefined {
    return this.byTenant.get(tenantId)?.get(name) ?? this.platform.get(name);
  }

  /** Every route a tenant's callers can reach (its own shadow platform routes of the same name). */
  visible(tenantId: string): RouteDefinition[] {
    const own = this.byTenant.get(tenantId) ?? new Map<string, RouteDefinition>();
    return [...own.values(), ...[...this.platform.values()].filter((r) => !own.has(r.name))];
  }

  /** The next value of a route's counter (round-robin turns), per instance. */
  turn(routeId: string): number {
    const n = this.counters.get(routeId) ?? 0;
    this.counters.set(routeId, n + 1);
    return n;
  }

  /** After a write: reload here, and tell the other instances. */
  async changed(): Promise<void> {
    await this.reload();
    await this.redis.publish(CHANNEL, '1');
  }

  private async reload(): Promise<void> {
    // Each reload reads afresh; a slower, older read never overwrites a newer one.
    const generation = ++this.generation;
    const rows = await this.repo.find({ order: { createdAt: 'ASC' } });
    if (generation < this.applied) return;
    this.applied = generation;
    const platform = new Map<string, RouteDefinition>();
    const byTenant = new Map<string, Map<string, RouteDefinition>>();
    for (const row of rows) {
      const def = definitionOf(row);
      if (row.tenantId === null) platform.set(row.name, def);
      else {
        const own = byTenant.get(row.tenantId) ?? new Map<string, RouteDefinition>();
        own.set(row.name, def);
        byTenant.set(row.tenantId, own);
      }
    }
    this.platform = platform;
    this.byTenant = byTenant;
  }
}
