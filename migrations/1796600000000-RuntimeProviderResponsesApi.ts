import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runtime providers that speak OpenAI's Responses API natively (docs/translation.md): /v1/responses
 * calls to them go through as they are, built-in tools intact, like the catalog's `responsesApi`.
 */
export class RuntimeProviderResponsesApi1796600000000 implements MigrationInterface {
  name = 'RuntimeProviderResponsesApi1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "runtime_providers"
            ADD "responses_api" boolean NOT NULL DEFAULT false
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "runtime_providers" DROP COLUMN "responses_api"
        `);
  }
}
