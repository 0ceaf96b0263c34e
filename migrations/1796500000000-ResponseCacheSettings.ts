import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The response cache's per-key and per-route setting (docs/cache.md, decision 0020): chat calls
 * of the key, or through the route, are cached for this many seconds without asking per request.
 */
export class ResponseCacheSettings1796500000000 implements MigrationInterface {
  name = 'ResponseCacheSettings1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD "cache_ttl_seconds" integer
        `);
    await queryRunner.query(`
            ALTER TABLE "routes"
            ADD "cache_ttl_seconds" integer
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "routes" DROP COLUMN "cache_ttl_seconds"
        `);
    await queryRunner.query(`
            ALTER TABLE "api_keys" DROP COLUMN "cache_ttl_seconds"
        `);
  }
}
