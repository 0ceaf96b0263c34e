import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../repositories/tenant.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { AuthCache, type CachedUser } from './auth-cache.service.js';

/** The user behind a token, from the cache when warm. */
@Injectable()
export class UsersAuthLookup {
  constructor(
    private readonly users: UserRepository,
    private readonly tenants: TenantRepository,
    private readonly cache: AuthCache,
  ) {}

  lookup(userId: string): CachedUser | Promise<CachedUser | null> {
    return this.cache.users.cached(userId) ?? this.cache.users.get(userId, () => this.load(userId));
  }

  private async load(userId: string): Promise<CachedUser | null> {
    const user = await this.users.findForAuth(userId);
    if (!user) return null;
    const tenant = await this.tenants.findById({ kind: 'all' }, user.tenantId);
    const entry: CachedUser = {
      sessionVersion: user.sessionVersion,
      active: user.status === 'active' && tenant?.status === 'active',
      caller: {
        kind: 'user',
        userId: user.id,
        tenantId: user.tenantId,
        role: user.role,
        email: user.email,
        tenantRpm: tenant?.defaultRpm ?? null,
      },
    };
    return entry;
  }
}
