import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig } from '@switchyard/core';
import type { DataSource } from 'typeorm';
import { hashPassword, randomSecret } from '../crypto.js';
import { TenantEntity } from '../entities/tenant.entity.js';
import { UserEntity } from '../entities/user.entity.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@switchyard.local';

/**
 * First start only: creates the default tenant and the platform admin (ADMIN_EMAIL /
 * ADMIN_PASSWORD, or a generated password printed once). A settings row written in the same
 * transaction makes it happen once, even with several instances starting together.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapService.name);
  /** The first-start banner, held until the gateway listens so it is the last thing printed. */
  private banner?: string;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = (this.config.auth.admin.email ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
    const generated = this.config.auth.admin.password ? undefined : randomSecret(18);
    const password = this.config.auth.admin.password ?? generated!;
    const created = await this.dataSource.transaction(async (manager) => {
      const claimed: unknown[] = await manager.query(
        `INSERT INTO settings (key, value) VALUES ('bootstrap', $1::jsonb) ON CONFLICT (key) DO NOTHING RETURNING key`,
        [JSON.stringify({ at: new Date().toISOString(), email })],
      );
      if (claimed.length === 0) return false;
      const tenant = await manager.save(manager.create(TenantEntity, { name: 'Default', slug: 'default' }));
      await manager.save(
        manager.create(UserEntity, {
          tenantId: tenant.id,
          email,
          name: 'Administrator',
          role: 'platform_admin',
          status: 'active',
          passwordHash: await hashPassword(password),
        }),
      );
      return true;
    });
    if (!created) return;
    this.logger.log(`Created the platform admin ${email} in tenant "default".`);
    if (generated) this.banner = banner(email, generated);
  }

  /** Prints the first-start banner, if this start created the admin; only once. */
  printBanner(out: { write(text: string): unknown } = process.stdout): void {
    if (!this.banner) return;
    // Plain text, not a log record: a person reads it once, in the start-up output.
    out.write(this.banner);
    this.banner = undefined;
  }
}

function banner(email: string, password: string): string {
  const lines = [
    'Switchyard: first start. A platform admin was created:',
    '',
    `    email:    ${email}`,
    `    password: ${password}`,
    '',
    'This password is shown only now. Log in at POST /api/v1/auth/login (or /docs, Authorize),',
    'then change it with POST /api/v1/auth/password. Set ADMIN_EMAIL/ADMIN_PASSWORD to choose them.',
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '='.repeat(width);
  return `\n${bar}\n${lines.map((l) => `  ${l}`).join('\n')}\n${bar}\n\n`;
}
