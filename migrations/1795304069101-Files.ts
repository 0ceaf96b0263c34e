import { MigrationInterface, QueryRunner } from 'typeorm';

export class Files1795304069101 implements MigrationInterface {
  name = 'Files1795304069101';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "files" (
                "id" text NOT NULL,
                "tenant_id" uuid NOT NULL,
                "owner_id" uuid NOT NULL,
                "filename" text NOT NULL,
                "purpose" text NOT NULL,
                "bytes" integer NOT NULL,
                "mime" text NOT NULL,
                "sha256" text NOT NULL,
                "storage_key" text NOT NULL,
                "extracted_text" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_6c16b9093a142e0e7613b04a3d9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "files_tenant_created_idx" ON "files" ("tenant_id", "created_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."files_tenant_created_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "files"
        `);
  }
}
