import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, page, type Page, type PageQueryDto } from '@switchyard/core';
import { scopeOf, type Caller } from '../caller.js';
import type { CreateTenantDto, UpdateTenantDto } from '../dto/tenant.dto.js';
import { TenantView } from '../dto/user.dto.js';
import { TenantRepository } from '../repositories/tenant.repository.js';
import { AuthCache } from './auth-cache.service.js';

export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63) || 'tenant'
  );
}

@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly cache: AuthCache,
  ) {}

  async create(dto: CreateTenantDto): Promise<TenantView> {
    const slug = dto.slug ?? slugify(dto.name);
    if (await this.tenants.findBySlug(slug)) {
      throw new ConflictError(`A tenant with slug ${slug} already exists.`, {
        param: 'slug',
        code: 'slug_taken',
      });
    }
    return TenantView.from(
      await this.tenants.create({ name: dto.name, slug, defaultRpm: dto.default_rpm ?? null }),
    );
  }

  async list(caller: Caller, query: PageQueryDto): Promise<Page<TenantView>> {
    const [rows, total] = await this.tenants.list(scopeOf(caller), query.limit, query.offset);
    return page(
      rows.map((t) => TenantView.from(t)),
      total,
      query,
    );
  }

  async get(caller: Caller, id: string): Promise<TenantView> {
    const tenant = await this.tenants.findById(scopeOf(caller), id);
    if (!tenant) throw new NotFoundError(`No tenant with id ${id}.`);
    return TenantView.from(tenant);
  }

  async update(caller: Caller, id: string, dto: UpdateTenantDto): Promise<TenantView> {
    const tenant = await this.tenants.findById(scopeOf(caller), id);
    if (!tenant) throw new NotFoundError(`No tenant with id ${id}.`);
    if (dto.name !== undefined) tenant.name = dto.name;
    if (dto.status !== undefined) tenant.status = dto.status;
    if (dto.default_rpm !== undefined) tenant.defaultRpm = dto.default_rpm;
    const saved = await this.tenants.save(tenant);
    // Status and default limits are part of every cached caller of this tenant.
    await this.cache.invalidateAll();
    return TenantView.from(saved);
  }
}
