import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  page,
  type Page,
} from '@switchyard/core';
import { ActivityLogService, actorOf } from '@switchyard/activity-log';
import { hasRole, scopeOf, type Caller, type Role } from '../caller.js';
import { hashPassword, randomSecret, sha256 } from '../crypto.js';
import {
  InvitedUserView,
  UserView,
  type CreateUserDto,
  type UpdateUserDto,
  type UserListQueryDto,
} from '../dto/user.dto.js';
import type { UserEntity } from '../entities/user.entity.js';
import { TenantRepository } from '../repositories/tenant.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { AuthCache } from './auth-cache.service.js';
import { AuthService } from './auth.service.js';

/** Tenant admins manage their tenant's users; platform admins manage everyone. */
@Injectable()
export class UsersService {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly tenants: TenantRepository,
    private readonly auth: AuthService,
    private readonly cache: AuthCache,
    private readonly activity: ActivityLogService,
  ) {}

  async create(caller: Caller, dto: CreateUserDto): Promise<InvitedUserView> {
    const tenantId = dto.tenant_id ?? caller.tenantId;
    const tenant = await this.tenants.findById(scopeOf(caller), tenantId);
    if (!tenant) throw new NotFoundError(`No tenant with id ${tenantId}.`, { param: 'tenant_id' });
    const role = dto.role ?? 'member';
    this.assertCanGrant(caller, role);
    if (await this.users.findByEmail(dto.email)) {
      throw new ConflictError('A user with this email already exists.', {
        param: 'email',
        code: 'email_taken',
      });
    }
    const invite = dto.password ? undefined : randomSecret(32);
    const inviteExpiresAt = invite
      ? new Date(Date.now() + this.config.auth.inviteTtlHours * 3_600_000)
      : null;
    const user = await this.users.create({
      tenantId,
      email: dto.email,
      name: dto.name ?? '',
      role,
      status: invite ? 'invited' : 'active',
      passwordHash: dto.password ? await hashPassword(dto.password) : null,
      inviteTokenHash: invite ? sha256(invite) : null,
      inviteExpiresAt,
    });
    this.activity.record({
      action: 'USER_CREATED',
      tenantId,
      actor: actorOf(caller),
      description: `User ${user.email} created with the role ${role}${invite ? ' (invited)' : ''}.`,
      metadata: { user_id: user.id, email: user.email, role, invited: invite !== undefined },
    });
    return invite
      ? { ...UserView.from(user), invite_token: invite, invite_expires_at: inviteExpiresAt!.toISOString() }
      : UserView.from(user);
  }

  async list(caller: Caller, query: UserListQueryDto): Promise<Page<UserView>> {
    const [rows, total] = await this.users.list(
      scopeOf(caller),
      { tenantId: query.tenant_id, role: query.role, status: query.status },
      query.limit,
      query.offset,
    );
    return page(
      rows.map((u) => UserView.from(u)),
      total,
      query,
    );
  }

  async get(caller: Caller, id: string): Promise<UserView> {
    return UserView.from(await this.find(caller, id));
  }

  async update(caller: Caller, id: string, dto: UpdateUserDto): Promise<UserView> {
    const user = await this.find(caller, id);
    if (user.id === caller.userId && (dto.role !== undefined || dto.status !== undefined)) {
      throw new InvalidRequestError('You cannot change your own role or status.', {
        param: dto.role ? 'role' : 'status',
      });
    }
    if (hasRole(user.role, 'platform_admin') && !hasRole(caller.role, 'platform_admin')) {
      throw new PermissionDeniedError('Only platform admins can change a platform admin.');
    }
    if (dto.role !== undefined) this.assertCanGrant(caller, dto.role);
    if (dto.name !== undefined) user.name = dto.name;
    const previousRole = user.role;
    if (dto.role !== undefined) user.role = dto.role;
    const disabling = dto.status === 'disabled' && user.status !== 'disabled';
    if (dto.status !== undefined && user.status !== 'invited') user.status = dto.status;
    await this.users.save(user);
    if (user.role !== previousRole) {
      this.activity.record({
        action: 'ROLE_CHANGED',
        tenantId: user.tenantId,
        actor: actorOf(caller),
        description: `${user.email}: ${previousRole} -> ${user.role}.`,
        metadata: { user_id: user.id, email: user.email, from: previousRole, to: user.role },
      });
    }
    if (disabling) await this.auth.endAllSessions(user.id);
    else await this.cache.invalidateUser(user.id);
    return UserView.from((await this.users.findById(scopeOf(caller), id))!);
  }

  private async find(caller: Caller, id: string): Promise<UserEntity> {
    const user = await this.users.findById(scopeOf(caller), id);
    if (!user) throw new NotFoundError(`No user with id ${id}.`);
    return user;
  }

  private assertCanGrant(caller: Caller, role: Role): void {
    if (!hasRole(caller.role, role)) {
      throw new PermissionDeniedError(`You cannot grant the role ${role}.`, { param: 'role' });
    }
  }
}
