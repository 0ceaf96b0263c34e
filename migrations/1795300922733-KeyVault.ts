import { MigrationInterface, QueryRunner } from 'typeorm';

export class KeyVault1795300922733 implements MigrationInterface {
  name = 'KeyVault1795300922733';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "provider_keys" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "owner_type" text NOT NULL,
                "owner_key" text NOT NULL,
                "tenant_id" uuid,
                "user_id" uuid,
                "provider" text NOT NULL,
                "name" text NOT NULL,
                "base_url" text,
                "ciphertext" text NOT NULL,
                "key_version" text NOT NULL,
                "fingerprint" text NOT NULL,
                "last4" text NOT NULL,
                "status" text NOT NULL DEFAULT 'active',
                "cooldown_until" TIMESTAMP WITH TIME ZONE,
                "failure_count" integer NOT NULL DEFAULT '0',
                "total_failures" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "last_failure_at" TIMESTAMP WITH TIME ZONE,
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "selected" boolean NOT NULL DEFAULT false,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "provider_keys_failures_check" CHECK (
                    failure_count >= 0
                    AND total_failures >= 0
                ),
                CONSTRAINT "provider_keys_status_check" CHECK (status IN ('active', 'invalid', 'disabled')),
                CONSTRAINT "provider_keys_owner_check" CHECK (
                    (
                        owner_type = 'platform'
                        AND tenant_id IS NULL
                        AND user_id IS NULL
                    )
                    OR (
                        owner_type = 'tenant'
                        AND tenant_id IS NOT NULL
                        AND user_id IS NULL
                    )
                    OR (
                        owner_type = 'user'
                        AND tenant_id IS NOT NULL
                        AND user_id IS NOT NULL
                    )
                ),
                CONSTRAINT "PK_cd3f4b00dc891e0d9dc9b049d25" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_b63a05d38972a48b13f129265d" ON "provider_keys" ("tenant_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "provider_keys_selected_uq" ON "provider_keys" ("owner_key", "provider")
            WHERE selected
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "provider_keys_owner_fingerprint_uq" ON "provider_keys" ("owner_key", "provider", "fingerprint")
        `);
    await queryRunner.query(`
            ALTER TABLE "provider_keys"
            ADD CONSTRAINT "FK_b63a05d38972a48b13f129265d3" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "provider_keys"
            ADD CONSTRAINT "FK_f1e0feabff63cae45e5f8d952f5" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "provider_keys" DROP CONSTRAINT "FK_f1e0feabff63cae45e5f8d952f5"
        `);
    await queryRunner.query(`
            ALTER TABLE "provider_keys" DROP CONSTRAINT "FK_b63a05d38972a48b13f129265d3"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."provider_keys_owner_fingerprint_uq"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."provider_keys_selected_uq"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_b63a05d38972a48b13f129265d"
        `);
    await queryRunner.query(`
            DROP TABLE "provider_keys"
        `);
  }
}
