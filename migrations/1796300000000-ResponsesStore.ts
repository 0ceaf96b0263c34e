import { MigrationInterface, QueryRunner } from 'typeorm';

export class ResponsesStore1796300000000 implements MigrationInterface {
  name = 'ResponsesStore1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "responses" (
                "id" text NOT NULL,
                "tenant_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "status" text NOT NULL,
                "response" jsonb NOT NULL,
                "input_items" jsonb NOT NULL,
                "messages" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "responses_pkey" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "responses_created_idx" ON "responses" ("created_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."responses_created_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "responses"
        `);
  }
}
