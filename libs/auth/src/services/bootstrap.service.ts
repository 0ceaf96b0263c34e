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
  /** The generated credentials, held until the gateway listens so the banner is printed last. */
  private generated?: { email: string; password: string };
  private settleAdmin!: (error?: Error) => void;
  /** Settles when this start's admin step is done (the API_KEYS keys wait for it). */
  readonly adminReady = new Promise<void>((resolve, reject) => {
    this.settleAdmin = (error?: Error) => (error === undefined ? resolve() : reject(error));
  });

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.createAdmin();
      this.settleAdmin();
    } catch (err) {
      this.settleAdmin(err as Error);
      throw err;
    }
  }

  private async createAdmin(): Promise<void> {
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
    if (generated) this.generated = { email, password: generated };
  }

  /**
   * Prints the first-start banner, if this start generated the admin's password; only once. It
   * names where to sign in: the console when it is built, the API docs otherwise.
   */
  printBanner(links: BannerLinks, out: { write(text: string): unknown } = process.stdout): void {
    if (!this.generated) return;
    // Plain text, not a log record: a person reads it once, in the start-up output.
    out.write(banner(this.generated.email, this.generated.password, links));
    this.generated = undefined;
  }
}

/** Absolute URLs of the gateway's pages, for the banner. */
export interface BannerLinks {
  /** The admin console (/admin), when it is built. */
  console?: string;
  /** Swagger UI (/docs), when it is enabled. */
  docs?: string;
  /** The login endpoint. */
  login: string;
}

export function banner(email: string, password: string, links: BannerLinks): string {
  const where = [
    ...(links.console ? [`    console:  ${links.console}`] : []),
    ...(links.docs
      ? [`    API docs: ${links.docs}${links.console ? '' : '  (Authorize, then sign in)'}`]
      : []),
    ...(links.console || links.docs ? [] : [`    log in:   POST ${links.login}`]),
  ];
  const lines = [
    'Switchyard: first start. A platform admin was created:',
    '',
    `    email:    ${email}`,
    `    password: ${password}`,
    '',
    ...where,
    '',
    'This password is shown only now. Change it after signing in (POST /api/v1/auth/password);',
    'set ADMIN_EMAIL/ADMIN_PASSWORD to choose them yourself.',
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '='.repeat(width);
  return `\n${bar}\n${lines.map((l) => (l ? `  ${l}` : '')).join('\n')}\n${bar}\n\n`;
}
