import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import type { Role, TenantScope } from '../caller.js';
import { ApiKeyEntity } from '../entities/api-key.entity.js';
import { applyScope } from './scope.js';

/** A key with its owner's and tenant's state: everything the caller guard needs, in one row. */
export interface ApiKeyAuthRow {
  id: string;
  name: string;
  tenant_id: string;
  user_id: string;
  allowed_models: string[] | null;
  rpm: number | null;
  tpm: number | null;
  credit_budget: string | null;
  cache_ttl_seconds: number | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  role: Role;
  email: string;
  user_status: string;
  tenant_status: string;
  default_rpm: number | null;
}

@Injectable()
export class ApiKeyRepository {
  constructor(@InjectRepository(ApiKeyEntity) private readonly repo: Repository<ApiKeyEntity>) {}

  /** `ownerId` narrows to one user's keys (members see only their own). */
  async findById(scope: TenantScope, id: string, ownerId?: string): Promise<ApiKeyEntity | null> {
    const qb = applyScope(this.repo.createQueryBuilder('k').where('k.id = :id', { id }), scope, 'k');
    if (ownerId) qb.andWhere('k.user_id = :ownerId', { ownerId });
    return qb.getOne();
  }

  async list(
    scope: TenantScope,
    ownerId: string | undefined,
    limit: number,
    offset: number,
  ): Promise<[ApiKeyEntity[], number]> {
    const qb = applyScope(this.repo.createQueryBuilder('k'), scope, 'k')
      .orderBy('k.created_at', 'DESC')
      .take(limit)
      .skip(offset);
    if (ownerId) qb.andWhere('k.user_id = :ownerId', { ownerId });
    return qb.getManyAndCount();
  }

  /** The hot path's only lookup: by the secret's hash, across tenants (the hash is the secret). */
  async findByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOneBy({ keyHash });
  }

  /** Every tenant's unrevoked keys with this exact `prefix` (the API_KEYS keys' marker). */
  async findUnrevokedByPrefix(prefix: string): Promise<ApiKeyEntity[]> {
    return this.repo.findBy({ prefix, revokedAt: IsNull() });
  }

  /** One round trip: key, owner and tenant by the secret's hash. */
  async findForAuth(keyHash: string): Promise<ApiKeyAuthRow | undefined> {
    const rows: ApiKeyAuthRow[] = await this.repo.query(
      `SELECT k.id, k.name, k.tenant_id, k.user_id, k.allowed_models, k.rpm, k.tpm, k.credit_budget,
              k.cache_ttl_seconds, k.expires_at, k.revoked_at, u.role, u.email, u.status AS user_status,
              t.status AS tenant_status, t.default_rpm
         FROM api_keys k JOIN users u ON u.id = k.user_id JOIN tenants t ON t.id = k.tenant_id
        WHERE k.key_hash = $1`,
      [keyHash],
    );
    return rows[0];
  }

  async create(values: Partial<ApiKeyEntity>): Promise<ApiKeyEntity> {
    return this.repo.save(this.repo.create(values));
  }

  async revoke(scope: TenantScope, id: string): Promise<void> {
    const qb = this.repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('id = :id', { id });
    if (scope.kind === 'tenant') qb.andWhere('tenant_id = :tenantId', { tenantId: scope.tenantId });
    await qb.andWhere('revoked_at IS NULL').execute();
  }

  /** Changes a key's name and limits (tenant-scoped like every write). */
  async update(
    scope: TenantScope,
    id: string,
    values: Partial<
      Pick<
        ApiKeyEntity,
        'name' | 'allowedModels' | 'rpm' | 'tpm' | 'creditBudget' | 'cacheTtlSeconds' | 'expiresAt'
      >
    >,
  ): Promise<void> {
    const qb = this.repo.createQueryBuilder().update().set(values).where('id = :id', { id });
    if (scope.kind === 'tenant') qb.andWhere('tenant_id = :tenantId', { tenantId: scope.tenantId });
    await qb.execute();
  }

  /** Writes many last-used times in one statement (they are collected in memory between flushes). */
  async touchMany(entries: Array<{ id: string; at: Date }>): Promise<void> {
    if (entries.length === 0) return;
    const values = entries.map((_, i) => `($${i * 2 + 1}::uuid, $${i * 2 + 2}::timestamptz)`).join(', ');
    await this.repo.query(
      `UPDATE api_keys AS k SET last_used_at = v.at FROM (VALUES ${values}) AS v(id, at)
       WHERE k.id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.at)`,
      entries.flatMap((e) => [e.id, e.at.toISOString()]),
    );
  }
}
