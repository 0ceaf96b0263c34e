import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { NotFoundError, RedisService } from '@switchyard/core';
import { CatalogService, type ModelOverride } from '@switchyard/providers';
import type { Repository } from 'typeorm';
import type { ModelOverrideDto } from './models.dto.js';
import { ModelOverrideEntity } from './model-override.entity.js';

const CHANNEL = 'sy:catalog:changed';

/**
 * Operator overrides of the catalog (pricing, context window, max output, disabled, free), kept in
 * Postgres and applied to the in-memory catalog at boot and on every change, on every instance.
 */
@Injectable()
export class ModelOverridesService implements OnModuleInit {
  constructor(
    @InjectRepository(ModelOverrideEntity) private readonly repo: Repository<ModelOverrideEntity>,
    private readonly catalog: CatalogService,
    private readonly redis: RedisService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    await this.redis.subscribe(CHANNEL, () => void this.reload());
  }

  async reload(): Promise<void> {
    const rows = await this.repo.find();
    this.catalog.applyOverrides(rows.map(toOverride));
  }

  async put(provider: string, model: string, dto: ModelOverrideDto, actorId: string): Promise<void> {
    if (
      !this.catalog.model(provider, model) &&
      !this.catalog.provider(provider)?.models.some((m) => m.id === model)
    ) {
      throw new NotFoundError(`No model ${provider}/${model} in the catalog.`);
    }
    const row = this.repo.create({
      provider,
      model,
      pricing: dto.pricing ? { ...dto.pricing } : null,
      contextWindow: dto.context_window ?? null,
      maxOutputTokens: dto.max_output_tokens ?? null,
      disabled: dto.disabled ?? false,
      free: dto.free ?? null,
      updatedBy: actorId,
    });
    // Validate against the catalog before storing: applyOverrides throws on a bad value.
    const others = (await this.repo.find()).filter((r) => r.provider !== provider || r.model !== model);
    this.catalog.applyOverrides([...others, row].map(toOverride));
    await this.repo.save(row);
    await this.redis.publish(CHANNEL, `${provider}/${model}`);
  }

  async remove(provider: string, model: string): Promise<void> {
    const result = await this.repo.delete({ provider, model });
    if (!result.affected) throw new NotFoundError(`No override for ${provider}/${model}.`);
    await this.reload();
    await this.redis.publish(CHANNEL, `${provider}/${model}`);
  }
}

function toOverride(row: ModelOverrideEntity): ModelOverride {
  return {
    provider: row.provider,
    model: row.model,
    ...(row.pricing ? { pricing: row.pricing } : {}),
    ...(row.contextWindow !== null ? { contextWindow: row.contextWindow } : {}),
    ...(row.maxOutputTokens !== null ? { maxOutputTokens: row.maxOutputTokens } : {}),
    disabled: row.disabled,
    ...(row.free !== null && row.free !== undefined ? { free: row.free } : {}),
  };
}
