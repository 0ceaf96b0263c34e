import { execFileSync } from 'node:child_process';
import pg from 'pg';

/**
 * Before integration tests: the machine's Postgres must answer (with a clear message if not), and
 * dist/ is rebuilt so tests that spawn the real gateway process run the current code.
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(
      `Integration tests need Postgres at ${url} (set TEST_DATABASE_URL to change it): ${(err as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
}
