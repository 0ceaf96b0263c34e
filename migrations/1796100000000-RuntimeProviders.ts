import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Providers registered at run time (`/api/v1/providers`), and their three activity-log actions
 * (PROVIDER_CREATED, PROVIDER_UPDATED, PROVIDER_DELETED) in the action check constraint.
 */
export class RuntimeProviders1796100000000 implements MigrationInterface {
  name = 'RuntimeProviders1796100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "runtime_providers" (
                "id" text NOT NULL,
                "tenant_id" uuid,
                "name" text NOT NULL,
                "format" text NOT NULL,
                "base_url" text NOT NULL,
                "default_headers" jsonb NOT NULL,
                "timeout_ms" integer NOT NULL,
                "key_required" boolean NOT NULL,
                "models" jsonb NOT NULL,
                "created_by" uuid,
                "updated_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "runtime_providers_timeout_check" CHECK (timeout_ms > 0),
                CONSTRAINT "runtime_providers_format_check" CHECK (
                    format IN ('openai', 'anthropic', 'gemini', 'ollama')
                ),
                CONSTRAINT "PK_ab60d2e4376b923b66aac9e460b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_9abed8107cd8c74c5ce1a7df8a" ON "runtime_providers" ("tenant_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "runtime_providers"
            ADD CONSTRAINT "FK_9abed8107cd8c74c5ce1a7df8a7" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`ALTER TABLE "activity_logs" DROP CONSTRAINT "activity_logs_action_check"`);
    await queryRunner.query(`
            ALTER TABLE "activity_logs" ADD CONSTRAINT "activity_logs_action_check" CHECK (
                action IN (
                    'ADD', 'DELETE', 'SELECT', 'UNSELECT', 'IMPORT', 'TEST', 'COOLDOWN', 'INVALID',
                    'EXHAUSTED', 'FAILOVER', 'CIRCUIT_OPEN', 'CIRCUIT_CLOSE', 'LOGIN_SUCCEEDED',
                    'LOGIN_FAILED', 'API_KEY_CREATED', 'API_KEY_REVOKED', 'USER_CREATED',
                    'ROLE_CHANGED', 'CREDITS_GRANTED', 'TRANSFER', 'PROVIDER_CREATED',
                    'PROVIDER_UPDATED', 'PROVIDER_DELETED'
                )
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // The trail is append-only: entries already written keep their actions (NOT VALID).
    await queryRunner.query(`ALTER TABLE "activity_logs" DROP CONSTRAINT "activity_logs_action_check"`);
    await queryRunner.query(`
            ALTER TABLE "activity_logs" ADD CONSTRAINT "activity_logs_action_check" CHECK (
                action IN (
                    'ADD', 'DELETE', 'SELECT', 'UNSELECT', 'IMPORT', 'TEST', 'COOLDOWN', 'INVALID',
                    'EXHAUSTED', 'FAILOVER', 'CIRCUIT_OPEN', 'CIRCUIT_CLOSE', 'LOGIN_SUCCEEDED',
                    'LOGIN_FAILED', 'API_KEY_CREATED', 'API_KEY_REVOKED', 'USER_CREATED',
                    'ROLE_CHANGED', 'CREDITS_GRANTED', 'TRANSFER'
                )
            ) NOT VALID
        `);
    await queryRunner.query(`
            ALTER TABLE "runtime_providers" DROP CONSTRAINT "FK_9abed8107cd8c74c5ce1a7df8a7"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_9abed8107cd8c74c5ce1a7df8a"
        `);
    await queryRunner.query(`
            DROP TABLE "runtime_providers"
        `);
  }
}
