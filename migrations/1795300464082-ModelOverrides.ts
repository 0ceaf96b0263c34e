import { MigrationInterface, QueryRunner } from 'typeorm';

export class ModelOverrides1795300464082 implements MigrationInterface {
  name = 'ModelOverrides1795300464082';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "model_overrides" (
                "provider" text NOT NULL,
                "model" text NOT NULL,
                "pricing" jsonb,
                "context_window" integer,
                "max_output_tokens" integer,
                "disabled" boolean NOT NULL DEFAULT false,
                "updated_by" uuid,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_2cf972b774fa3c4015e632e0377" PRIMARY KEY ("provider", "model")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "model_overrides"
        `);
  }
}
