import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { TenantScope } from '@switchyard/auth';
import { DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import { RuntimeProviderEntity } from './runtime-provider.entity.js';

/** The columns a change may set. */
export type RuntimeProviderChanges = Partial<
  Pick<
    RuntimeProviderEntity,
    | 'name'
    | 'format'
    | 'baseUrl'
    | 'defaultHeaders'
    | 'timeoutMs'
    | 'keyRequired'
    | 'responsesApi'
    | 'models'
    | 'updatedBy'
  >
>;

/**
 * The only code that touches `runtime_providers`. Reads for callers take a tenant scope first: a
 * tenant sees its own providers and the platform's, never another tenant's.
 */
@Injectable()
export class RuntimeProviderRepository {
  constructor(
    @InjectRepository(RuntimeProviderEntity) private readonly repo: Repository<RuntimeProviderEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Every registration, of every tenant: what the in-memory registry is built from. */
  all(): Promise<RuntimeProviderEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findVisible(scope: TenantScope, id: string): Promise<RuntimeProviderEntity | null> {
    return this.visible(scope).andWhere('p.id = :id', { id }).getOne();
  }

  list(scope: TenantScope, limit: number, offset: number): Promise<[RuntimeProviderEntity[], number]> {
    return this.visible(scope)
      .orderBy('p.created_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
  }

  /** Whether any tenant (or the platform) holds this id. */
  async idTaken(id: string): Promise<boolean> {
    return (await this.repo.count({ where: { id } })) > 0;
  }

  async insert(entity: RuntimeProviderEntity): Promise<void> {
    await this.repo.insert(entity);
  }

  async update(scope: TenantScope, id: string, changes: RuntimeProviderChanges): Promise<boolean> {
    const qb = this.repo
      .createQueryBuilder()
      .update(RuntimeProviderEntity)
      .set(changes)
      .where('id = :id', { id });
    if (scope.kind === 'tenant') qb.andWhere('tenant_id = :tenantId', { tenantId: scope.tenantId });
    return ((await qb.execute()).affected ?? 0) > 0;
  }

  async delete(scope: TenantScope, id: string): Promise<boolean> {
    const qb = this.repo.createQueryBuilder().delete().from(RuntimeProviderEntity).where('id = :id', { id });
    if (scope.kind === 'tenant') qb.andWhere('tenant_id = :tenantId', { tenantId: scope.tenantId });
    return ((await qb.execute()).affected ?? 0) > 0;
  }

  async tenantExists(tenantId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
    return rows.length > 0;
  }

  /** A tenant's rows and the platform's; everything for `all`. */
  private visible(scope: TenantScope): SelectQueryBuilder<RuntimeProviderEntity> {
    const qb = this.repo.createQueryBuilder('p');
    if (scope.kind === 'tenant') {
      qb.where('(p.tenant_id = :tenantId OR p.tenant_id IS NULL)', { tenantId: scope.tenantId });
    }
    return qb;
  }
}
