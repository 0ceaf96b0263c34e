import 'reflect-metadata';
import { ConfigValidationError, databaseOptions, EmbeddedPostgres, loadConfig } from '@switchyard/core';
import { cipherFor, resolveMasterKeys, rotateVaultKeys } from '@switchyard/key-vault';
import { DataSource } from 'typeorm';
import { migrations } from '../../../migrations/index.js';
import { entities } from './entities.js';

/**
 * `npm run vault:rotate` (in a container: `node dist/apps/gateway/src/vault-rotate.js`):
 * re-encrypts every provider key under VAULT_MASTER_KEY. Run it after every gateway has been
 * restarted with VAULT_MASTER_KEY=<new> and VAULT_PREVIOUS_KEYS=<old>; they keep serving
 * meanwhile. See docs/operations.md, "Key rotation".
 */
async function main(): Promise<number> {
  try {
    process.loadEnvFile('.env');
  } catch {
    // no .env: the environment alone
  }
  const config = loadConfig(process.env);
  const keys = resolveMasterKeys(config, (message) => console.warn(message));
  const cipher = cipherFor(keys);
  const embedded = config.embeddedDatabase ? new EmbeddedPostgres(config.dataDir) : undefined;
  const url = embedded ? await embedded.start() : config.database.url!;
  const dataSource = new DataSource(
    databaseOptions({
      url,
      poolSize: 1,
      ssl: config.database.ssl,
      embedded: embedded !== undefined,
      entities,
      migrations,
    }),
  );
  await dataSource.initialize();
  try {
    const report = await rotateVaultKeys(dataSource, cipher);
    console.log(
      `vault:rotate: ${report.rotated} key(s) re-encrypted under master key version ${cipher.currentVersion}; ` +
        `${report.current} already were; ${report.failed.length} could not be opened.`,
    );
    for (const failure of report.failed) {
      console.error(`  provider key ${failure.id} (key version ${failure.keyVersion}): ${failure.reason}`);
    }
    if (report.failed.length > 0) {
      console.error(
        'Add the master key they were sealed under to VAULT_PREVIOUS_KEYS and run vault:rotate again.',
      );
      return 1;
    }
    return 0;
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigValidationError) console.error(`vault:rotate cannot start. ${err.message}`);
    else console.error('vault:rotate failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
