import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { RedisService } from '@switchyard/core';
import {
  CatalogService,
  runtimeCatalogProvider,
  type RuntimeProviderDefinition,
} from '@switchyard/providers';
import type { RuntimeProviderEntity } from './runtime-provider.entity.js';
import { RuntimeProviderRepository } from './runtime-provider.repository.js';

const CHANNEL = 'sy:providers:changed';
/** A safety net under pub/sub (a missed message, a Redis reconnect, a tenant deleted by cascade). */
const FULL_RELOAD_MS = 60_000;

export function definitionOf(row: RuntimeProviderEntity): RuntimeProviderDefinition {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    format: row.format,
    baseUrl: row.baseUrl,
    headers: row.defaultHeaders,
    timeoutMs: row.timeoutMs,
    keyRequired: row.keyRequired,
    responsesApi: row.responsesApi,
    models: row.models,
  };
}

/**
 * Keeps the catalog's runtime providers equal to the table, on every instance: loaded at boot,
 * reloaded here after each change and, through Redis pub/sub, on every other instance (without
 * Redis there is one instance, which applies the change before answering). Registrations are
 * few, so a change reloads them all; a reload that started earlier never overwrites a later one.
 */
@Injectable()
export class RuntimeProviderRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RuntimeProviders');
  /** Messages carry their sender, so an instance does not reload twice for its own change. */
  private readonly instance = randomUUID();
  private generation = 0;
  private applied = 0;
  private timer?: NodeJS.Timeout;
  private shadowed = new Set<string>();

  constructor(
    private readonly repo: RuntimeProviderRepository,
    private readonly catalog: CatalogService,
    private readonly redis: RedisService,
  ) {}

  async onModuleInit(): Promise<void> {
    // Subscribed before the first load, so a change made meanwhile is not missed.
    await this.redis.subscribe(CHANNEL, (message) => {
      if ((JSON.parse(message) as { from?: string }).from === this.instance) return;
      this.reloadInBackground();
    });
    await this.reload();
    this.timer = setInterval(() => this.reloadInBackground(), FULL_RELOAD_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** After a write: applied here before the caller gets its answer, then on every other instance. */
  async changed(id: string): Promise<void> {
    await this.reload();
    if (!this.redis.enabled) return;
    try {
      await this.redis.publish(CHANNEL, JSON.stringify({ id, from: this.instance }));
    } catch (err) {
      this.logger.warn(`could not tell other instances about provider ${id}: ${(err as Error).message}`);
    }
  }

  async reload(): Promise<void> {
    const generation = ++this.generation;
    const rows = await this.repo.all();
    if (generation < this.applied) return;
    this.applied = generation;
    const { shadowed } = this.catalog.setRuntimeProviders(
      rows.map((r) => runtimeCatalogProvider(definitionOf(r))),
    );
    for (const id of shadowed) {
      if (this.shadowed.has(id)) continue;
      this.logger.warn(`runtime provider ${id} is not served: the catalog now has a provider with that id`);
    }
    this.shadowed = new Set(shadowed);
  }

  private reloadInBackground(): void {
    this.reload().catch((err: unknown) =>
      this.logger.warn(`runtime providers reload failed: ${(err as Error).message}`),
    );
  }
}
