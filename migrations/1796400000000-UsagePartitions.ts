import { MigrationInterface, QueryRunner } from 'typeorm';

const ACTIONS = `
    'ADD', 'DELETE', 'SELECT', 'UNSELECT', 'IMPORT', 'TEST', 'COOLDOWN', 'INVALID',
    'EXHAUSTED', 'FAILOVER', 'CIRCUIT_OPEN', 'CIRCUIT_CLOSE', 'LOGIN_SUCCEEDED',
    'LOGIN_FAILED', 'API_KEY_CREATED', 'API_KEY_REVOKED', 'USER_CREATED',
    'ROLE_CHANGED', 'CREDITS_GRANTED', 'TRANSFER', 'PROVIDER_CREATED',
    'PROVIDER_UPDATED', 'PROVIDER_DELETED'`;

const USAGE_COLUMNS = `"id", "request_id", "tenant_id", "user_id", "api_key_id", "provider", "model", "endpoint",
    "input_tokens", "output_tokens", "cached_input_tokens", "cost", "latency_ms", "ttft_ms", "status",
    "error_class", "created_at"`;

const ACTIVITY_COLUMNS = `"id", "occurred_at", "tenant_id", "actor_type", "actor_id", "actor_label", "action",
    "provider", "key_id", "key_hint", "description", "request_id", "ip", "metadata"`;

/**
 * Usage that stays fast at millions of rows (issue 19 item 4, decision 0019): usage_records and
 * activity_logs become tables partitioned by month (the primary key gains the partition key),
 * keeping their rows; usage_daily holds daily rollups the usage API reads for ranges longer
 * than a day. Partitions for the months of existing rows and the next three are created here; the
 * gateway keeps creating them ahead (monthly_partition_ensure) and drops whole months past
 * retention.
 */
export class UsagePartitions1796400000000 implements MigrationInterface {
  name = 'UsagePartitions1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Creates `<parent>_pYYYYMM` for the month holding `month` (UTC bounds) unless it exists.
    await queryRunner.query(`
            CREATE FUNCTION monthly_partition_ensure(parent text, month timestamptz) RETURNS boolean
            LANGUAGE plpgsql AS $$
            DECLARE
                first timestamp := date_trunc('month', month AT TIME ZONE 'UTC');
                child text := parent || '_p' || to_char(first, 'YYYYMM');
            BEGIN
                IF to_regclass(quote_ident(child)) IS NOT NULL THEN
                    RETURN false;
                END IF;
                EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', child, parent,
                    to_char(first, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                    to_char(first + interval '1 month', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
                RETURN true;
            END
            $$
        `);
    // Every month from `since` to three months ahead of now.
    await queryRunner.query(`
            CREATE FUNCTION monthly_partitions_ensure(parent text, since timestamptz) RETURNS integer
            LANGUAGE plpgsql AS $$
            DECLARE
                m timestamptz := least(coalesce(since, now()), now());
                created integer := 0;
            BEGIN
                WHILE m <= now() + interval '3 months' LOOP
                    IF monthly_partition_ensure(parent, m) THEN
                        created := created + 1;
                    END IF;
                    m := m + interval '1 month';
                END LOOP;
                RETURN created;
            END
            $$
        `);
    // Latencies in 8 steps per doubling (exact below 16 ms; at most 6.25% off above), so daily
    // rollups can keep the distribution and both paths compute the same percentiles.
    await queryRunner.query(`
            CREATE FUNCTION usage_latency_bucket(ms integer) RETURNS integer
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT CASE WHEN ms < 16 THEN ms ELSE
                    ((ms >> (width_bucket(ms, '{1,2,4,8,16,32,64,128,256,512,1024,2048,4096,8192,16384,32768,65536,131072,262144,524288,1048576,2097152,4194304,8388608,16777216,33554432,67108864,134217728,268435456,536870912,1073741824}'::int[]) - 4))
                        << (width_bucket(ms, '{1,2,4,8,16,32,64,128,256,512,1024,2048,4096,8192,16384,32768,65536,131072,262144,524288,1048576,2097152,4194304,8388608,16777216,33554432,67108864,134217728,268435456,536870912,1073741824}'::int[]) - 4))
                    + (1 << (width_bucket(ms, '{1,2,4,8,16,32,64,128,256,512,1024,2048,4096,8192,16384,32768,65536,131072,262144,524288,1048576,2097152,4194304,8388608,16777216,33554432,67108864,134217728,268435456,536870912,1073741824}'::int[]) - 5))
                END
            $$
        `);

    // usage_records: the old table steps aside, its rows move into the partitioned one.
    await queryRunner.query(`ALTER TABLE "usage_records" RENAME TO "usage_records_unpartitioned"`);
    await queryRunner.query(`DROP INDEX "usage_records_tenant_time_idx"`);
    await queryRunner.query(
      `ALTER TABLE "usage_records_unpartitioned" DROP CONSTRAINT "PK_e511cf9f7dc53851569f87467a5"`,
    );
    await queryRunner.query(`
            CREATE TABLE "usage_records" (
                "id" bigint NOT NULL DEFAULT nextval('usage_records_id_seq'::regclass),
                "request_id" text NOT NULL,
                "tenant_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "api_key_id" uuid,
                "provider" text NOT NULL,
                "model" text NOT NULL,
                "endpoint" text NOT NULL,
                "input_tokens" integer NOT NULL,
                "output_tokens" integer NOT NULL,
                "cached_input_tokens" integer NOT NULL DEFAULT '0',
                "cost" bigint NOT NULL,
                "latency_ms" integer NOT NULL,
                "ttft_ms" integer,
                "status" text NOT NULL,
                "error_class" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "usage_records_status_check" CHECK (status IN ('ok', 'error', 'aborted')),
                CONSTRAINT "PK_116208213dc5804793bb0d8f2f2" PRIMARY KEY ("id", "created_at")
            ) PARTITION BY RANGE ("created_at")
        `);
    await queryRunner.query(`ALTER SEQUENCE "usage_records_id_seq" OWNED BY "usage_records"."id"`);
    await queryRunner.query(`CREATE TABLE "usage_records_default" PARTITION OF "usage_records" DEFAULT`);
    await queryRunner.query(
      `SELECT monthly_partitions_ensure('usage_records', (SELECT min(created_at) FROM "usage_records_unpartitioned"))`,
    );
    await queryRunner.query(`
            CREATE INDEX "usage_records_tenant_time_idx" ON "usage_records" ("tenant_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "usage_records_errors_idx" ON "usage_records" ("created_at") WHERE status <> 'ok'
        `);
    await queryRunner.query(
      `INSERT INTO "usage_records" (${USAGE_COLUMNS}) SELECT ${USAGE_COLUMNS} FROM "usage_records_unpartitioned"`,
    );
    await queryRunner.query(`DROP TABLE "usage_records_unpartitioned"`);

    // Daily rollups, one row per day, dimensions and latency step; no key is the nil uuid so the
    // primary key can hold it (NULLS NOT DISTINCT needs Postgres 15).
    await queryRunner.query(`
            CREATE TABLE "usage_daily" (
                "day" date NOT NULL,
                "tenant_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "api_key_id" uuid NOT NULL,
                "provider" text NOT NULL,
                "model" text NOT NULL,
                "endpoint" text NOT NULL,
                "status" text NOT NULL,
                "latency_bucket" integer NOT NULL,
                "requests" bigint NOT NULL,
                "input_tokens" bigint NOT NULL,
                "output_tokens" bigint NOT NULL,
                "cached_input_tokens" bigint NOT NULL,
                "cost" bigint NOT NULL,
                "latency_ms_sum" bigint NOT NULL,
                "ttft_ms_sum" bigint NOT NULL,
                "ttft_count" bigint NOT NULL,
                CONSTRAINT "PK_aab7d449534ee62500bf28e8ab0" PRIMARY KEY (
                    "day", "tenant_id", "user_id", "api_key_id", "provider", "model", "endpoint", "status", "latency_bucket"
                )
            )
        `);
    await queryRunner.query(
      `CREATE INDEX "usage_daily_tenant_day_idx" ON "usage_daily" ("tenant_id", "day")`,
    );
    await queryRunner.query(`
            INSERT INTO "usage_daily"
            SELECT (created_at AT TIME ZONE 'UTC')::date, tenant_id, user_id,
                   coalesce(api_key_id, '00000000-0000-0000-0000-000000000000'), provider, model, endpoint, status,
                   usage_latency_bucket(latency_ms), count(*), sum(input_tokens), sum(output_tokens),
                   sum(cached_input_tokens), sum(cost), sum(latency_ms), coalesce(sum(ttft_ms), 0), count(ttft_ms)
              FROM "usage_records"
             GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        `);

    // activity_logs: the same move; the append-only triggers follow the table.
    await queryRunner.query(`ALTER TABLE "activity_logs" RENAME TO "activity_logs_unpartitioned"`);
    await queryRunner.query(`DROP TRIGGER activity_logs_no_truncate ON "activity_logs_unpartitioned"`);
    await queryRunner.query(`DROP TRIGGER activity_logs_append_only ON "activity_logs_unpartitioned"`);
    await queryRunner.query(`DROP INDEX "activity_logs_time_idx"`);
    await queryRunner.query(`DROP INDEX "activity_logs_tenant_time_idx"`);
    await queryRunner.query(
      `ALTER TABLE "activity_logs_unpartitioned" DROP CONSTRAINT "PK_f25287b6140c5ba18d38776a796"`,
    );
    await queryRunner.query(`ALTER TABLE "activity_logs_unpartitioned" ALTER COLUMN "id" DROP IDENTITY`);
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
                CONSTRAINT "activity_logs_action_check" CHECK (action IN (${ACTIONS})),
                CONSTRAINT "activity_logs_actor_type_check" CHECK (actor_type IN ('user', 'api_key', 'system')),
                CONSTRAINT "PK_d7ebdd0afba5375c8bf8764b607" PRIMARY KEY ("id", "occurred_at")
            ) PARTITION BY RANGE ("occurred_at")
        `);
    await queryRunner.query(`CREATE TABLE "activity_logs_default" PARTITION OF "activity_logs" DEFAULT`);
    await queryRunner.query(
      `SELECT monthly_partitions_ensure('activity_logs', (SELECT min(occurred_at) FROM "activity_logs_unpartitioned"))`,
    );
    await queryRunner.query(`CREATE INDEX "activity_logs_time_idx" ON "activity_logs" ("occurred_at")`);
    await queryRunner.query(
      `CREATE INDEX "activity_logs_tenant_time_idx" ON "activity_logs" ("tenant_id", "occurred_at")`,
    );
    await queryRunner.query(
      `INSERT INTO "activity_logs" (${ACTIVITY_COLUMNS}) OVERRIDING SYSTEM VALUE
       SELECT ${ACTIVITY_COLUMNS} FROM "activity_logs_unpartitioned"`,
    );
    await queryRunner.query(`
            SELECT setval(pg_get_serial_sequence('activity_logs', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL)
              FROM "activity_logs_unpartitioned"
        `);
    await queryRunner.query(`DROP TABLE "activity_logs_unpartitioned"`);
    await queryRunner.query(`
            CREATE TRIGGER activity_logs_append_only BEFORE UPDATE OR DELETE ON "activity_logs"
            FOR EACH ROW EXECUTE FUNCTION activity_logs_append_only()
        `);
    await queryRunner.query(`
            CREATE TRIGGER activity_logs_no_truncate BEFORE TRUNCATE ON "activity_logs"
            FOR EACH STATEMENT EXECUTE FUNCTION activity_logs_append_only()
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Back to plain tables, rows kept (the partitions go with their parents).
    await queryRunner.query(`DROP TRIGGER activity_logs_no_truncate ON "activity_logs"`);
    await queryRunner.query(`DROP TRIGGER activity_logs_append_only ON "activity_logs"`);
    await queryRunner.query(`ALTER TABLE "activity_logs" RENAME TO "activity_logs_partitioned"`);
    await queryRunner.query(`DROP INDEX "activity_logs_time_idx"`);
    await queryRunner.query(`DROP INDEX "activity_logs_tenant_time_idx"`);
    await queryRunner.query(
      `ALTER TABLE "activity_logs_partitioned" DROP CONSTRAINT "PK_d7ebdd0afba5375c8bf8764b607"`,
    );
    await queryRunner.query(`ALTER TABLE "activity_logs_partitioned" ALTER COLUMN "id" DROP IDENTITY`);
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
                CONSTRAINT "activity_logs_action_check" CHECK (action IN (${ACTIONS})),
                CONSTRAINT "activity_logs_actor_type_check" CHECK (actor_type IN ('user', 'api_key', 'system')),
                CONSTRAINT "PK_f25287b6140c5ba18d38776a796" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(
      `INSERT INTO "activity_logs" (${ACTIVITY_COLUMNS}) OVERRIDING SYSTEM VALUE
       SELECT ${ACTIVITY_COLUMNS} FROM "activity_logs_partitioned"`,
    );
    await queryRunner.query(`
            SELECT setval(pg_get_serial_sequence('activity_logs', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL)
              FROM "activity_logs_partitioned"
        `);
    await queryRunner.query(`DROP TABLE "activity_logs_partitioned"`);
    await queryRunner.query(`CREATE INDEX "activity_logs_time_idx" ON "activity_logs" ("occurred_at")`);
    await queryRunner.query(
      `CREATE INDEX "activity_logs_tenant_time_idx" ON "activity_logs" ("tenant_id", "occurred_at")`,
    );
    await queryRunner.query(`
            CREATE TRIGGER activity_logs_append_only BEFORE UPDATE OR DELETE ON "activity_logs"
            FOR EACH ROW EXECUTE FUNCTION activity_logs_append_only()
        `);
    await queryRunner.query(`
            CREATE TRIGGER activity_logs_no_truncate BEFORE TRUNCATE ON "activity_logs"
            FOR EACH STATEMENT EXECUTE FUNCTION activity_logs_append_only()
        `);

    await queryRunner.query(`DROP TABLE "usage_daily"`);
    await queryRunner.query(`ALTER TABLE "usage_records" RENAME TO "usage_records_partitioned"`);
    await queryRunner.query(`DROP INDEX "usage_records_tenant_time_idx"`);
    await queryRunner.query(`DROP INDEX "usage_records_errors_idx"`);
    await queryRunner.query(
      `ALTER TABLE "usage_records_partitioned" DROP CONSTRAINT "PK_116208213dc5804793bb0d8f2f2"`,
    );
    await queryRunner.query(`
            CREATE TABLE "usage_records" (
                "id" bigint NOT NULL DEFAULT nextval('usage_records_id_seq'::regclass),
                "request_id" text NOT NULL,
                "tenant_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "api_key_id" uuid,
                "provider" text NOT NULL,
                "model" text NOT NULL,
                "endpoint" text NOT NULL,
                "input_tokens" integer NOT NULL,
                "output_tokens" integer NOT NULL,
                "cached_input_tokens" integer NOT NULL DEFAULT '0',
                "cost" bigint NOT NULL,
                "latency_ms" integer NOT NULL,
                "ttft_ms" integer,
                "status" text NOT NULL,
                "error_class" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "usage_records_status_check" CHECK (status IN ('ok', 'error', 'aborted')),
                CONSTRAINT "PK_e511cf9f7dc53851569f87467a5" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`ALTER SEQUENCE "usage_records_id_seq" OWNED BY "usage_records"."id"`);
    await queryRunner.query(
      `INSERT INTO "usage_records" (${USAGE_COLUMNS}) SELECT ${USAGE_COLUMNS} FROM "usage_records_partitioned"`,
    );
    await queryRunner.query(`DROP TABLE "usage_records_partitioned"`);
    await queryRunner.query(`
            CREATE INDEX "usage_records_tenant_time_idx" ON "usage_records" ("tenant_id", "created_at")
        `);
    await queryRunner.query(`DROP FUNCTION usage_latency_bucket(integer)`);
    await queryRunner.query(`DROP FUNCTION monthly_partitions_ensure(text, timestamptz)`);
    await queryRunner.query(`DROP FUNCTION monthly_partition_ensure(text, timestamptz)`);
  }
}
