import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { TenantScope } from '../caller.js';
import { TenantEntity } from '../entities/tenant.entity.js';

@Injectable()
export class TenantRepository {
  constructor(@InjectRepository(TenantEntity) private readonly repo: Repository<TenantEntity>) {}

  /** A tenant-scoped caller sees only its own tenant. */
  async findById(scope: TenantScope, id: string): Promise<TenantEntity | null> {
    if (scope.kind === 'tenant' && scope.tenantId !== id) return null;
    return this.repo.findOneBy({ id });
  }

  async findBySlug(slug: string): Promise<TenantEntity | null> {
    return this.repo.findOneBy({ slug });
  }

  async list(scope: TenantScope, limit: number, offset: number): Promise<[TenantEntity[], number]> {
    const qb = this.repo.createQueryBuilder('t').orderBy('t.created_at', 'ASC').take(limit).skip(offset);
    if (scope.kind === 'tenant') qb.where('t.id = :id', { id: scope.tenantId });
    return qb.getManyAndCount();
  }

  async create(values: Pick<TenantEntity, 'name' | 'slug'> & Partial<TenantEntity>): Promise<TenantEntity> {
    return this.repo.save(this.repo.create(values));
  }

  async save(tenant: TenantEntity): Promise<TenantEntity> {
    return this.repo.save(tenant);
  }
}
