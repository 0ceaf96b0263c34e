import type { DataSource, Migration } from 'typeorm';

/** An arbitrary constant: the advisory lock every instance takes while migrating. */
const MIGRATION_LOCK = 727_001;

/**
 * Runs pending migrations. On a shared Postgres several instances may start at once, so they
 * queue on an advisory lock; the embedded database has one process and one connection, so it
 * needs (and could not hold) no lock.
 */
export async function runMigrations(dataSource: DataSource, opts: { lock: boolean }): Promise<Migration[]> {
  if (!opts.lock) return dataSource.runMigrations({ transaction: 'each' });
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
