import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, type Repository } from 'typeorm';
import type { TenantScope } from '../caller.js';
import { UserEntity } from '../entities/user.entity.js';
import { applyScope } from './scope.js';

export interface UserListFilter {
  tenantId?: string;
  role?: string;
  status?: string;
}

@Injectable()
export class UserRepository {
  constructor(@InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>) {}

  async findById(scope: TenantScope, id: string): Promise<UserEntity | null> {
    return applyScope(this.repo.createQueryBuilder('u').where('u.id = :id', { id }), scope, 'u').getOne();
  }

  /** Login and invitations look users up across tenants by their unique email. */
  async findByEmail(email: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ email: email.toLowerCase() });
  }

  async findByInviteHash(hash: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ inviteTokenHash: hash });
  }

  /** For the auth cache: the user behind a verified token or key, whatever its tenant. */
  async findForAuth(id: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async list(
    scope: TenantScope,
    filter: UserListFilter,
    limit: number,
    offset: number,
  ): Promise<[UserEntity[], number]> {
    const qb = applyScope(this.repo.createQueryBuilder('u'), scope, 'u')
      .orderBy('u.created_at', 'ASC')
      .take(limit)
      .skip(offset);
    if (filter.tenantId) qb.andWhere('u.tenant_id = :tenantId', { tenantId: filter.tenantId });
    if (filter.role) qb.andWhere('u.role = :role', { role: filter.role });
    if (filter.status) qb.andWhere('u.status = :status', { status: filter.status });
    return qb.getManyAndCount();
  }

  async countPlatformAdmins(): Promise<number> {
    return this.repo.countBy({ role: 'platform_admin' });
  }

  async create(values: Partial<UserEntity>, manager?: EntityManager): Promise<UserEntity> {
    const repo = manager ? manager.getRepository(UserEntity) : this.repo;
    return repo.save(repo.create({ ...values, email: values.email?.toLowerCase() }));
  }

  async save(user: UserEntity): Promise<UserEntity> {
    return this.repo.save(user);
  }

  async touchLogin(id: string): Promise<void> {
    await this.repo.update({ id }, { lastLoginAt: new Date() });
  }
}
