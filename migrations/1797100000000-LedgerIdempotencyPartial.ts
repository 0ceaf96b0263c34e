import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's idempotency index holds only the entries that have a key (issue 20). A settled
 * call's `charge` has none, yet every charge still wrote a NULL entry into this unique index:
 * one index insert per call that nothing ever reads (uniqueness never applies to NULLs, and the
 * lookups are `idempotency_key = $1`, which the partial index serves). Grants, adjustments and
 * transfers with an `Idempotency-Key` are indexed as before. Rebuilding it takes a write lock on
 * the ledger for as long as the build of an index over its keyed entries (few: the operators'
 * postings, not the calls).
 */
export class LedgerIdempotencyPartial1797100000000 implements MigrationInterface {
  name = 'LedgerIdempotencyPartial1797100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."credit_ledger_idempotency_key"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "credit_ledger_idempotency_key" ON "credit_ledger" ("idempotency_key") WHERE "idempotency_key" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."credit_ledger_idempotency_key"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "credit_ledger_idempotency_key" ON "credit_ledger" ("idempotency_key")`,
    );
  }
}
