import { MigrationInterface, QueryRunner } from 'typeorm';

/** An admin override may mark a model free (true), or take a catalog file's mark away (false). */
export class ModelOverrideFree1796200000000 implements MigrationInterface {
  name = 'ModelOverrideFree1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "model_overrides"
            ADD "free" boolean
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "model_overrides" DROP COLUMN "free"
        `);
  }
}
