// npm run credits:verify: recomputes every balance from the ledger (and the other ledger
// invariants) against DATABASE_URL, or the embedded database under DATA_DIR when it is unset.
// Exit 0: clean; 1: mismatches (listed); 2: could not check.
import 'reflect-metadata';
import { EmbeddedPostgres, formatCredits, loadConfig } from '@switchyard/core';
import pg from 'pg';
import { verifyLedger } from '../verify/ledger-verifier.js';

async function main(): Promise<number> {
  try {
    process.loadEnvFile('.env');
  } catch {
    // no .env: the environment alone
  }
  const config = loadConfig(process.env);
  const embedded = config.embeddedDatabase ? new EmbeddedPostgres(config.dataDir) : undefined;
  const url = embedded ? await embedded.start() : config.database.url!;
  const client = new pg.Client({
    connectionString: url,
    ssl: config.database.ssl ? { rejectUnauthorized: false } : undefined,
    application_name: 'switchyard credits:verify',
  });
  try {
    await client.connect();
    const report = await verifyLedger(
      async (sql, params) => (await client.query<Record<string, unknown>>(sql, params)).rows,
    );
    const where = embedded ? `the embedded database in ${config.dataDir}` : 'DATABASE_URL';
    console.log(
      `credits:verify on ${where}: ${report.accounts} accounts, ${report.entries} ledger entries, ` +
        `${report.apiKeys} API keys, ${report.reservations} reservations.`,
    );
    for (const m of report.mismatches) {
      console.log(
        `  MISMATCH ${m.check} ${m.subject}: ledger says ${formatCredits(m.expected)}, recorded ${formatCredits(m.actual)}`,
      );
    }
    console.log(
      report.ok
        ? 'OK: every balance equals the sum of its ledger entries.'
        : 'FAILED: see the mismatches above.',
    );
    return report.ok ? 0 : 1;
  } finally {
    await client.end().catch(() => undefined);
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const missing = (err as { code?: string }).code === '42P01';
    console.error(
      missing
        ? 'credits:verify: the credit tables do not exist in this database yet (start the gateway once: it migrates).'
        : `credits:verify could not run: ${err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(2);
  },
);
