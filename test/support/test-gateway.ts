import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../apps/gateway/src/app.factory.js';
import { createTestDatabase } from './databases.js';

/** The platform admin every test gateway bootstraps. */
export const TEST_ADMIN = { email: 'admin@test.switchyard', password: 'admin-password-for-tests' };
export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export type TestDatabaseKind = 'postgres' | 'pglite';

export interface TestGateway {
  app: NestExpressApplication;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  databaseUrl?: string;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  database?: TestDatabaseKind;
  /** Extra environment for this instance (wins over the defaults below). */
  env?: Record<string, string | undefined>;
  /** Reuse an existing database (a second instance, or a restart) instead of creating one. */
  databaseUrl?: string;
  /** Reuse a data dir (PGlite restart tests); it is then not deleted on close. */
  dataDir?: string;
}

/**
 * Boots the real gateway in-process on a random port, against a fresh database on the machine's
 * Postgres (or an embedded PGlite in a temp dir), with only the given environment.
 */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const kind = options.database ?? 'postgres';
  const ownDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sy-test-'));
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let databaseUrl = options.databaseUrl;
  if (kind === 'postgres' && !databaseUrl) {
    database = await createTestDatabase();
    databaseUrl = database.url;
  }
  const app = await createApp({
    isolated: true,
    overrides: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      DATABASE_URL: kind === 'postgres' ? databaseUrl : undefined,
      DATABASE_POOL_SIZE: '4',
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      JWT_SECRET: TEST_JWT_SECRET,
      // Every test logs in from 127.0.0.1; the per-address limit has its own test.
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      ...options.env,
    },
  });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    url,
    databaseUrl,
    dataDir,
    close: async () => {
      await app.close();
      await database?.drop();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
