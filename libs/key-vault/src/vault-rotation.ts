import type { DataSource } from 'typeorm';
import { VaultDecryptError, type VaultCipher } from './vault-cipher.js';

export interface RotationReport {
  /** Keys re-encrypted under the current master key by this run. */
  rotated: number;
  /** Keys that already were. */
  current: number;
  /** Keys that could not be opened with any known master key; they are left as they are. */
  failed: Array<{ id: string; keyVersion: string; reason: string }>;
}

const BATCH = 100;

/**
 * Re-encrypts every provider key not sealed under the current master key. Gateways keep serving
 * throughout: they hold VAULT_MASTER_KEY (new) and VAULT_PREVIOUS_KEYS (old) and can open both.
 * Each row is rewritten only if it did not change meanwhile; running it again is harmless.
 */
export async function rotateVaultKeys(dataSource: DataSource, cipher: VaultCipher): Promise<RotationReport> {
  const report: RotationReport = { rotated: 0, current: 0, failed: [] };
  const counted: Array<{ n: string }> = await dataSource.query(
    'SELECT count(*) AS n FROM provider_keys WHERE key_version = $1',
    [cipher.currentVersion],
  );
  report.current = Number(counted[0]?.n ?? 0);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: Array<{ id: string; ciphertext: string; key_version: string }> = await dataSource.query(
      `SELECT id, ciphertext, key_version FROM provider_keys
        WHERE key_version <> $1 AND id > $2 ORDER BY id LIMIT ${BATCH}`,
      [cipher.currentVersion, after],
    );
    if (rows.length === 0) return report;
    for (const row of rows) {
      after = row.id;
      let secret: string;
      try {
        secret = cipher.decrypt(row.ciphertext, row.id);
      } catch (err) {
        if (!(err instanceof VaultDecryptError)) throw err;
        report.failed.push({ id: row.id, keyVersion: row.key_version, reason: err.message });
        continue;
      }
      const updated: unknown = await dataSource.query(
        `UPDATE provider_keys SET ciphertext = $2, key_version = $3, fingerprint = $4, updated_at = now()
          WHERE id = $1 AND ciphertext = $5`,
        [
          row.id,
          cipher.encrypt(secret, row.id),
          cipher.currentVersion,
          cipher.fingerprint(secret),
          row.ciphertext,
        ],
      );
      // TypeORM answers an UPDATE with [rows, affected].
      if (Array.isArray(updated) && updated[1] === 1) report.rotated++;
    }
  }
}
