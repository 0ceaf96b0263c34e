import { MigrationInterface, QueryRunner } from 'typeorm';

export class Routes1796193717510 implements MigrationInterface {
  name = 'Routes1796193717510';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "routes" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "tenant_id" uuid,
                "scope_key" text NOT NULL,
                "name" text NOT NULL,
                "description" text,
                "strategy" text NOT NULL,
                "key_strategy" text NOT NULL DEFAULT 'ordered',
                "stream_failover" boolean NOT NULL DEFAULT true,
                "targets" jsonb NOT NULL,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_76100511cdfa1d013c859f01d8b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "routes_scope_name_idx" ON "routes" ("scope_key", "name")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."routes_scope_name_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "routes"
        `);
  }
}
