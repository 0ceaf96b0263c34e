import { MigrationInterface, QueryRunner } from 'typeorm';

export class ActivityLog1795300496385 implements MigrationInterface {
  name = 'ActivityLog1795300496385';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "activity_logs" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "tenant_id" uuid,
                "actor_type" text NOT NULL,
                "actor_id" text,
                "actor_label" text,
                "action" text NOT NULL,
                "provider" text,
                "key_id" text,
                "key_hint" text,
                "description" text NOT NULL DEFAULT '',
                "request_id" text,
                "ip" text,
                "metadata" jsonb,
                CONSTRAINT "activity_logs_action_check" CHECK (
                    action IN (
                        'ADD',
                        'DELETE',
                        'SELECT',
                        'UNSELECT',
                        'IMPORT',
                        'TEST',
                        'COOLDOWN',
                        'INVALID',
                        'EXHAUSTED',
                        'FAILOVER',
                        'LOGIN_SUCCEEDED',
                        'LOGIN_FAILED',
                        'API_KEY_CREATED',
                        'API_KEY_REVOKED',
                        'USER_CREATED',
                        'ROLE_CHANGED',
                        'CREDITS_GRANTED',
                        'TRANSFER'
                    )
                ),
                CONSTRAINT "activity_logs_actor_type_check" CHECK (actor_type IN ('user', 'api_key', 'system')),
                CONSTRAINT "PK_f25287b6140c5ba18d38776a796" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "activity_logs_time_idx" ON "activity_logs" ("occurred_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "activity_logs_tenant_time_idx" ON "activity_logs" ("tenant_id", "occurred_at")
        `);
    // By hand (TypeORM cannot express it): the trail is append-only. UPDATE, DELETE and TRUNCATE
    // fail, except deletes of entries older than the cutoff that activity_log_purge() declares for
    // its own statement. It guards against application bugs, not against the database owner (see
    // docs/activity-log.md for locking it down with a separate role).
    await queryRunner.query(`
            CREATE FUNCTION activity_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                cutoff text := current_setting('switchyard.activity_log_purge_before', true);
            BEGIN
                IF TG_OP = 'DELETE' AND coalesce(cutoff, '') <> '' AND OLD.occurred_at < cutoff::timestamptz THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'activity_logs is append-only: % is not allowed', TG_OP
                    USING ERRCODE = 'insufficient_privilege',
                          HINT = 'Old entries are removed only by activity_log_purge(cutoff).';
            END
            $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER activity_logs_append_only BEFORE UPDATE OR DELETE ON "activity_logs"
            FOR EACH ROW EXECUTE FUNCTION activity_logs_append_only()
        `);
    await queryRunner.query(`
            CREATE TRIGGER activity_logs_no_truncate BEFORE TRUNCATE ON "activity_logs"
            FOR EACH STATEMENT EXECUTE FUNCTION activity_logs_append_only()
        `);
    await queryRunner.query(`
            CREATE FUNCTION activity_log_purge(cutoff timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
            DECLARE
                purged bigint;
            BEGIN
                IF cutoff > now() - interval '1 day' THEN
                    RAISE EXCEPTION 'activity_log_purge keeps at least the last day of entries'
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                PERFORM set_config('switchyard.activity_log_purge_before', cutoff::text, true);
                DELETE FROM "activity_logs" WHERE occurred_at < cutoff;
                GET DIAGNOSTICS purged = ROW_COUNT;
                PERFORM set_config('switchyard.activity_log_purge_before', '', true);
                RETURN purged;
            END
            $$
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION activity_log_purge(timestamptz)`);
    await queryRunner.query(`DROP TRIGGER activity_logs_no_truncate ON "activity_logs"`);
    await queryRunner.query(`DROP TRIGGER activity_logs_append_only ON "activity_logs"`);
    await queryRunner.query(`DROP FUNCTION activity_logs_append_only()`);
    await queryRunner.query(`
            DROP INDEX "public"."activity_logs_tenant_time_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."activity_logs_time_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "activity_logs"
        `);
  }
}
