import { MigrationInterface, QueryRunner } from 'typeorm';

export class Credits1795300397649 implements MigrationInterface {
  name = 'Credits1795300397649';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "credit_accounts" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "tenant_id" uuid NOT NULL,
                "user_id" uuid,
                "kind" text NOT NULL,
                "balance" bigint NOT NULL DEFAULT '0',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "credit_accounts_balance_check" CHECK (balance >= 0),
                CONSTRAINT "credit_accounts_owner_check" CHECK (
                    (
                        kind = 'user'
                        AND user_id IS NOT NULL
                    )
                    OR (
                        kind = 'tenant_pool'
                        AND user_id IS NULL
                    )
                ),
                CONSTRAINT "credit_accounts_kind_check" CHECK (kind IN ('user', 'tenant_pool')),
                CONSTRAINT "PK_a81047fa386ce9ab9567c763d72" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "credit_accounts_tenant_idx" ON "credit_accounts" ("tenant_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "credit_accounts_user_key" ON "credit_accounts" ("user_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "credit_accounts_tenant_pool_key" ON "credit_accounts" ("tenant_id")
            WHERE kind = 'tenant_pool'
        `);
    await queryRunner.query(`
            CREATE TABLE "credit_key_spend" (
                "api_key_id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "spent" bigint NOT NULL DEFAULT '0',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "credit_key_spend_spent_check" CHECK (spent >= 0),
                CONSTRAINT "PK_70f377a21b310997d5aecbc9ccd" PRIMARY KEY ("api_key_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "credit_ledger" (
                "id" BIGSERIAL NOT NULL,
                "account_id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "user_id" uuid,
                "api_key_id" uuid,
                "kind" text NOT NULL,
                "amount" bigint NOT NULL,
                "balance_after" bigint NOT NULL,
                "request_id" text,
                "reservation_id" uuid,
                "idempotency_key" text,
                "actor_id" uuid,
                "reason" text,
                "metadata" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "credit_ledger_balance_after_check" CHECK (balance_after >= 0),
                CONSTRAINT "credit_ledger_sign_check" CHECK (
                    (
                        kind IN ('grant', 'purchase', 'refund', 'release')
                        AND amount > 0
                    )
                    OR (
                        kind IN ('charge', 'reservation')
                        AND amount < 0
                    )
                    OR (
                        kind IN ('adjustment', 'transfer')
                        AND amount <> 0
                    )
                ),
                CONSTRAINT "credit_ledger_kind_check" CHECK (
                    kind IN (
                        'grant',
                        'purchase',
                        'charge',
                        'refund',
                        'adjustment',
                        'reservation',
                        'release',
                        'transfer'
                    )
                ),
                CONSTRAINT "PK_7ff08f655cf2f4d118c116571db" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "credit_ledger_idempotency_key" ON "credit_ledger" ("idempotency_key")
        `);
    await queryRunner.query(`
            CREATE INDEX "credit_ledger_tenant_time_idx" ON "credit_ledger" ("tenant_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "credit_ledger_account_idx" ON "credit_ledger" ("account_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "credit_reservations" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "account_id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "api_key_id" uuid,
                "request_id" text NOT NULL,
                "model" text,
                "amount" bigint NOT NULL,
                "charged" bigint,
                "status" text NOT NULL DEFAULT 'pending',
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "credit_reservations_amount_check" CHECK (
                    amount >= 0
                    AND (
                        charged IS NULL
                        OR (
                            charged >= 0
                            AND charged <= amount
                        )
                    )
                ),
                CONSTRAINT "credit_reservations_status_check" CHECK (
                    status IN ('pending', 'settled', 'released', 'expired')
                ),
                CONSTRAINT "PK_b05e2b7003c9b9a8df70bca1a35" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "credit_reservations_account_idx" ON "credit_reservations" ("account_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "credit_reservations_pending_idx" ON "credit_reservations" ("expires_at")
            WHERE status = 'pending'
        `);
    await queryRunner.query(`
            CREATE TABLE "credit_tenant_settings" (
                "tenant_id" uuid NOT NULL,
                "markup" numeric(12, 6) NOT NULL DEFAULT '1',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "credit_tenant_settings_markup_check" CHECK (markup > 0),
                CONSTRAINT "PK_7ccdeb9d3f39d55ed042103734b" PRIMARY KEY ("tenant_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "usage_records" (
                "id" BIGSERIAL NOT NULL,
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
    await queryRunner.query(`
            CREATE INDEX "usage_records_tenant_time_idx" ON "usage_records" ("tenant_id", "created_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_accounts"
            ADD CONSTRAINT "FK_872ba75a97257de9a4bf8557ffa" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_accounts"
            ADD CONSTRAINT "FK_e9e4079e4a9bc1ddeb3452b7f69" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_key_spend"
            ADD CONSTRAINT "FK_70f377a21b310997d5aecbc9ccd" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_ledger"
            ADD CONSTRAINT "FK_e453915c99ea979f40efb55f0ca" FOREIGN KEY ("account_id") REFERENCES "credit_accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_reservations"
            ADD CONSTRAINT "FK_4a728c8be4b22604302bb83170b" FOREIGN KEY ("account_id") REFERENCES "credit_accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_tenant_settings"
            ADD CONSTRAINT "FK_7ccdeb9d3f39d55ed042103734b" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    // --- hand-written: what TypeORM cannot express --------------------------------------------
    // The ledger is append-only: no UPDATE, DELETE or TRUNCATE, whoever asks.
    await queryRunner.query(`
            CREATE FUNCTION credit_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'credit_ledger is append-only: % is not allowed', TG_OP
                USING ERRCODE = 'restrict_violation';
            END $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER credit_ledger_no_update_delete BEFORE UPDATE OR DELETE ON credit_ledger
            FOR EACH ROW EXECUTE FUNCTION credit_ledger_append_only()
        `);
    await queryRunner.query(`
            CREATE TRIGGER credit_ledger_no_truncate BEFORE TRUNCATE ON credit_ledger
            FOR EACH STATEMENT EXECUTE FUNCTION credit_ledger_append_only()
        `);
    // A user's account, created on first use with the signup grant (both or neither).
    await queryRunner.query(`
            CREATE FUNCTION credits_user_account(p_tenant uuid, p_user uuid, p_signup bigint)
            RETURNS uuid LANGUAGE plpgsql AS $$
            DECLARE
              v_id uuid;
            BEGIN
              SELECT a.id INTO v_id FROM credit_accounts a WHERE a.user_id = p_user;
              IF FOUND THEN
                RETURN v_id;
              END IF;
              INSERT INTO credit_accounts (tenant_id, user_id, kind, balance)
                VALUES (p_tenant, p_user, 'user', p_signup)
                ON CONFLICT (user_id) DO NOTHING
                RETURNING id INTO v_id;
              IF v_id IS NULL THEN
                -- Created meanwhile by a concurrent first use (which also wrote the signup grant).
                SELECT a.id INTO v_id FROM credit_accounts a WHERE a.user_id = p_user;
                RETURN v_id;
              END IF;
              IF p_signup > 0 THEN
                INSERT INTO credit_ledger
                  (account_id, tenant_id, user_id, kind, amount, balance_after, idempotency_key, reason)
                  VALUES (v_id, p_tenant, p_user, 'grant', p_signup, p_signup, 'signup:' || p_user, 'signup credits');
              END IF;
              RETURN v_id;
            END $$
        `);
    await queryRunner.query(`
            CREATE FUNCTION credits_pool_account(p_tenant uuid) RETURNS uuid LANGUAGE plpgsql AS $$
            DECLARE
              v_id uuid;
            BEGIN
              SELECT a.id INTO v_id FROM credit_accounts a WHERE a.tenant_id = p_tenant AND a.kind = 'tenant_pool';
              IF FOUND THEN
                RETURN v_id;
              END IF;
              INSERT INTO credit_accounts (tenant_id, user_id, kind, balance)
                VALUES (p_tenant, NULL, 'tenant_pool', 0)
                ON CONFLICT (tenant_id) WHERE kind = 'tenant_pool' DO NOTHING
                RETURNING id INTO v_id;
              IF v_id IS NULL THEN
                SELECT a.id INTO v_id FROM credit_accounts a WHERE a.tenant_id = p_tenant AND a.kind = 'tenant_pool';
              END IF;
              RETURN v_id;
            END $$
        `);
    // The hot path's one round trip. Lock order everywhere: reservation, account, key spend.
    // Not enough balance: returns the balance and writes nothing. Key budget exceeded: raises
    // SY402 (DETAIL = what the key has left), which undoes the statement whole.
    await queryRunner.query(`
            CREATE FUNCTION credits_reserve(
              p_tenant uuid, p_user uuid, p_key uuid, p_request text, p_amount bigint, p_model text,
              p_signup bigint, p_ttl_seconds integer)
            RETURNS TABLE (r_status text, r_reservation uuid, r_account uuid, r_balance bigint, r_budget_remaining bigint)
            LANGUAGE plpgsql AS $$
            DECLARE
              v_account uuid;
              v_balance bigint;
              v_budget bigint;
              v_spent bigint;
              v_id uuid := gen_random_uuid();
            BEGIN
              IF p_amount IS NULL OR p_amount < 0 THEN
                RAISE EXCEPTION 'reservation amount must be >= 0, got %', p_amount USING ERRCODE = 'check_violation';
              END IF;
              IF p_key IS NOT NULL THEN
                SELECT k.credit_budget INTO v_budget FROM api_keys k WHERE k.id = p_key;
                IF v_budget IS NOT NULL THEN
                  -- An unlocked early look, so the common refusal needs no exception; the
                  -- conditional upsert below is what guarantees the budget under concurrency.
                  SELECT s.spent INTO v_spent FROM credit_key_spend s WHERE s.api_key_id = p_key;
                  IF COALESCE(v_spent, 0) + p_amount > v_budget THEN
                    RETURN QUERY SELECT 'key_budget'::text, NULL::uuid, NULL::uuid, NULL::bigint,
                      GREATEST(v_budget - COALESCE(v_spent, 0), 0);
                    RETURN;
                  END IF;
                END IF;
              END IF;
              v_account := credits_user_account(p_tenant, p_user, p_signup);
              IF p_amount > 0 THEN
                UPDATE credit_accounts a SET balance = a.balance - p_amount, updated_at = now()
                  WHERE a.id = v_account AND a.balance >= p_amount
                  RETURNING a.balance INTO v_balance;
                IF NOT FOUND THEN
                  SELECT a.balance INTO v_balance FROM credit_accounts a WHERE a.id = v_account;
                  RETURN QUERY SELECT 'insufficient_balance'::text, NULL::uuid, v_account, v_balance, NULL::bigint;
                  RETURN;
                END IF;
              ELSE
                SELECT a.balance INTO v_balance FROM credit_accounts a WHERE a.id = v_account;
              END IF;
              IF p_key IS NOT NULL THEN
                IF v_budget IS NOT NULL AND p_amount > v_budget THEN
                  RAISE EXCEPTION 'key budget exceeded' USING ERRCODE = 'SY402', DETAIL = v_budget::text;
                END IF;
                INSERT INTO credit_key_spend AS s (api_key_id, tenant_id, spent)
                  VALUES (p_key, p_tenant, p_amount)
                  ON CONFLICT (api_key_id) DO UPDATE SET spent = s.spent + EXCLUDED.spent, updated_at = now()
                    WHERE v_budget IS NULL OR s.spent + EXCLUDED.spent <= v_budget
                  RETURNING s.spent INTO v_spent;
                IF NOT FOUND THEN
                  SELECT s.spent INTO v_spent FROM credit_key_spend s WHERE s.api_key_id = p_key;
                  RAISE EXCEPTION 'key budget exceeded' USING ERRCODE = 'SY402',
                    DETAIL = GREATEST(v_budget - v_spent, 0)::text;
                END IF;
              END IF;
              IF p_amount > 0 THEN
                INSERT INTO credit_ledger
                  (account_id, tenant_id, user_id, api_key_id, kind, amount, balance_after, request_id,
                   reservation_id, idempotency_key, actor_id, metadata)
                  VALUES (v_account, p_tenant, p_user, p_key, 'reservation', -p_amount, v_balance, p_request,
                   v_id, 'reservation:' || v_id, p_user,
                   CASE WHEN p_model IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('model', p_model) END);
              END IF;
              INSERT INTO credit_reservations
                (id, account_id, tenant_id, user_id, api_key_id, request_id, model, amount, status, expires_at)
                VALUES (v_id, v_account, p_tenant, p_user, p_key, p_request, p_model, p_amount, 'pending',
                 now() + make_interval(secs => p_ttl_seconds));
              RETURN QUERY SELECT 'ok'::text, v_id, v_account, v_balance,
                CASE WHEN v_budget IS NULL THEN NULL::bigint ELSE v_budget - v_spent END;
            END $$
        `);
    // Ends a reservation once: releases what was held and charges the actual cost (capped at
    // what was held). p_outcome: settled | released (failed call) | expired (the sweeper).
    // A reservation the sweeper expired while its request still ran is charged late, as far as
    // the balance then allows, so a response the client saw is paid for.
    await queryRunner.query(`
            CREATE FUNCTION credits_settle(p_reservation uuid, p_actual bigint, p_metadata jsonb, p_outcome text)
            RETURNS TABLE (r_status text, r_charged bigint) LANGUAGE plpgsql AS $$
            DECLARE
              r credit_reservations%ROWTYPE;
              v_charge bigint;
              v_balance bigint;
              v_actor uuid;
              v_meta jsonb;
            BEGIN
              IF p_outcome NOT IN ('settled', 'released', 'expired') THEN
                RAISE EXCEPTION 'unknown outcome %', p_outcome USING ERRCODE = 'check_violation';
              END IF;
              SELECT * INTO r FROM credit_reservations WHERE id = p_reservation FOR UPDATE;
              IF NOT FOUND THEN
                RETURN QUERY SELECT 'missing'::text, NULL::bigint;
                RETURN;
              END IF;
              v_charge := CASE WHEN p_outcome = 'settled' THEN LEAST(GREATEST(COALESCE(p_actual, 0), 0), r.amount) ELSE 0 END;
              v_actor := CASE WHEN p_outcome = 'expired' THEN NULL ELSE r.user_id END;
              v_meta := COALESCE(p_metadata, '{}'::jsonb)
                || CASE WHEN r.model IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('model', r.model) END;
              IF r.status <> 'pending' THEN
                IF r.status = 'expired' AND v_charge > 0 THEN
                  SELECT a.balance INTO v_balance FROM credit_accounts a WHERE a.id = r.account_id FOR UPDATE;
                  v_charge := LEAST(v_charge, v_balance);
                  IF v_charge > 0 THEN
                    UPDATE credit_accounts a SET balance = a.balance - v_charge, updated_at = now()
                      WHERE a.id = r.account_id RETURNING a.balance INTO v_balance;
                    INSERT INTO credit_ledger
                      (account_id, tenant_id, user_id, api_key_id, kind, amount, balance_after, request_id,
                       reservation_id, idempotency_key, actor_id, metadata)
                      VALUES (r.account_id, r.tenant_id, r.user_id, r.api_key_id, 'charge', -v_charge, v_balance,
                       r.request_id, r.id, 'charge:' || r.id, r.user_id, v_meta || '{"late": true}'::jsonb);
                    IF r.api_key_id IS NOT NULL THEN
                      UPDATE credit_key_spend s SET spent = s.spent + v_charge, updated_at = now()
                        WHERE s.api_key_id = r.api_key_id;
                    END IF;
                  END IF;
                  UPDATE credit_reservations SET status = 'settled', charged = v_charge, resolved_at = now()
                    WHERE id = r.id;
                  RETURN QUERY SELECT 'settled'::text, v_charge;
                  RETURN;
                END IF;
                RETURN QUERY SELECT r.status, r.charged;
                RETURN;
              END IF;
              IF r.amount > 0 THEN
                UPDATE credit_accounts a SET balance = a.balance + r.amount - v_charge, updated_at = now()
                  WHERE a.id = r.account_id RETURNING a.balance INTO v_balance;
                INSERT INTO credit_ledger
                  (account_id, tenant_id, user_id, api_key_id, kind, amount, balance_after, request_id,
                   reservation_id, idempotency_key, actor_id, metadata)
                  VALUES (r.account_id, r.tenant_id, r.user_id, r.api_key_id, 'release', r.amount,
                   v_balance + v_charge, r.request_id, r.id, 'release:' || r.id, v_actor,
                   jsonb_build_object('outcome', p_outcome));
                IF v_charge > 0 THEN
                  INSERT INTO credit_ledger
                    (account_id, tenant_id, user_id, api_key_id, kind, amount, balance_after, request_id,
                     reservation_id, idempotency_key, actor_id, metadata)
                    VALUES (r.account_id, r.tenant_id, r.user_id, r.api_key_id, 'charge', -v_charge, v_balance,
                     r.request_id, r.id, 'charge:' || r.id, v_actor, v_meta);
                END IF;
                IF r.api_key_id IS NOT NULL AND r.amount <> v_charge THEN
                  UPDATE credit_key_spend s SET spent = s.spent - r.amount + v_charge, updated_at = now()
                    WHERE s.api_key_id = r.api_key_id;
                END IF;
              END IF;
              UPDATE credit_reservations SET status = p_outcome, charged = v_charge, resolved_at = now()
                WHERE id = r.id;
              RETURN QUERY SELECT p_outcome, v_charge;
            END $$
        `);
    // Expires reservations whose request died with its process. SKIP LOCKED lets several
    // instances sweep at once; accounts are then taken in one order, so two sweepers never deadlock.
    await queryRunner.query(`
            CREATE FUNCTION credits_sweep(p_limit integer, p_all boolean) RETURNS integer LANGUAGE plpgsql AS $$
            DECLARE
              v_id uuid;
              v_count integer := 0;
            BEGIN
              FOR v_id IN
                SELECT s.id FROM (
                  SELECT r.id, r.account_id FROM credit_reservations r
                   WHERE r.status = 'pending' AND (p_all OR r.expires_at < now())
                   ORDER BY r.expires_at LIMIT p_limit
                   FOR UPDATE SKIP LOCKED) s
                ORDER BY s.account_id
              LOOP
                PERFORM credits_settle(v_id, 0, '{}'::jsonb, 'expired');
                v_count := v_count + 1;
              END LOOP;
              RETURN v_count;
            END $$
        `);
    // One posting on one account (grant, purchase, refund, adjustment), exactly once per
    // idempotency key: a repeat returns the first entry. r_entry NULL = it would overdraw.
    await queryRunner.query(`
            CREATE FUNCTION credits_post(
              p_account uuid, p_kind text, p_amount bigint, p_idempotency_key text, p_actor uuid,
              p_reason text, p_metadata jsonb, p_request text)
            RETURNS TABLE (r_entry bigint, r_replayed boolean) LANGUAGE plpgsql AS $$
            DECLARE
              a credit_accounts%ROWTYPE;
              v_entry bigint;
              v_balance bigint;
            BEGIN
              SELECT * INTO a FROM credit_accounts WHERE id = p_account FOR UPDATE;
              IF NOT FOUND THEN
                RAISE EXCEPTION 'no credit account %', p_account USING ERRCODE = 'foreign_key_violation';
              END IF;
              IF p_idempotency_key IS NOT NULL THEN
                SELECT l.id INTO v_entry FROM credit_ledger l WHERE l.idempotency_key = p_idempotency_key;
                IF FOUND THEN
                  RETURN QUERY SELECT v_entry, true;
                  RETURN;
                END IF;
              END IF;
              IF a.balance + p_amount < 0 THEN
                RETURN QUERY SELECT NULL::bigint, false;
                RETURN;
              END IF;
              UPDATE credit_accounts c SET balance = c.balance + p_amount, updated_at = now()
                WHERE c.id = p_account RETURNING c.balance INTO v_balance;
              INSERT INTO credit_ledger
                (account_id, tenant_id, user_id, kind, amount, balance_after, request_id, idempotency_key,
                 actor_id, reason, metadata)
                VALUES (p_account, a.tenant_id, a.user_id, p_kind, p_amount, v_balance, p_request,
                 p_idempotency_key, p_actor, p_reason, COALESCE(p_metadata, '{}'::jsonb))
                RETURNING id INTO v_entry;
              RETURN QUERY SELECT v_entry, false;
            END $$
        `);
    // Moves credits between two accounts (a tenant pool to a user), both entries or neither.
    await queryRunner.query(`
            CREATE FUNCTION credits_transfer(
              p_from uuid, p_to uuid, p_amount bigint, p_idempotency_key text, p_actor uuid, p_reason text,
              p_metadata jsonb, p_request text)
            RETURNS TABLE (r_status text, r_from_entry bigint, r_to_entry bigint, r_balance bigint)
            LANGUAGE plpgsql AS $$
            DECLARE
              f credit_accounts%ROWTYPE;
              t credit_accounts%ROWTYPE;
              v_from_entry bigint;
              v_to_entry bigint;
              v_from_balance bigint;
              v_to_balance bigint;
            BEGIN
              IF p_from = p_to OR p_amount <= 0 THEN
                RAISE EXCEPTION 'a transfer needs two accounts and a positive amount' USING ERRCODE = 'check_violation';
              END IF;
              PERFORM 1 FROM credit_accounts c WHERE c.id IN (p_from, p_to) ORDER BY c.id FOR UPDATE;
              SELECT * INTO f FROM credit_accounts WHERE id = p_from;
              SELECT * INTO t FROM credit_accounts WHERE id = p_to;
              IF f.id IS NULL OR t.id IS NULL THEN
                RAISE EXCEPTION 'no such credit account' USING ERRCODE = 'foreign_key_violation';
              END IF;
              IF p_idempotency_key IS NOT NULL THEN
                SELECT l.id INTO v_from_entry FROM credit_ledger l WHERE l.idempotency_key = p_idempotency_key;
                IF FOUND THEN
                  SELECT l.id INTO v_to_entry FROM credit_ledger l WHERE l.idempotency_key = p_idempotency_key || ':credit';
                  RETURN QUERY SELECT 'replayed'::text, v_from_entry, v_to_entry, NULL::bigint;
                  RETURN;
                END IF;
              END IF;
              IF f.balance < p_amount THEN
                RETURN QUERY SELECT 'insufficient_balance'::text, NULL::bigint, NULL::bigint, f.balance;
                RETURN;
              END IF;
              UPDATE credit_accounts c SET balance = c.balance - p_amount, updated_at = now()
                WHERE c.id = p_from RETURNING c.balance INTO v_from_balance;
              UPDATE credit_accounts c SET balance = c.balance + p_amount, updated_at = now()
                WHERE c.id = p_to RETURNING c.balance INTO v_to_balance;
              INSERT INTO credit_ledger
                (account_id, tenant_id, user_id, kind, amount, balance_after, request_id, idempotency_key,
                 actor_id, reason, metadata)
                VALUES (p_from, f.tenant_id, f.user_id, 'transfer', -p_amount, v_from_balance, p_request,
                 p_idempotency_key, p_actor, p_reason,
                 COALESCE(p_metadata, '{}'::jsonb) || jsonb_build_object('counterparty_account', p_to))
                RETURNING id INTO v_from_entry;
              INSERT INTO credit_ledger
                (account_id, tenant_id, user_id, kind, amount, balance_after, request_id, idempotency_key,
                 actor_id, reason, metadata)
                VALUES (p_to, t.tenant_id, t.user_id, 'transfer', p_amount, v_to_balance, p_request,
                 p_idempotency_key || ':credit', p_actor, p_reason,
                 COALESCE(p_metadata, '{}'::jsonb) || jsonb_build_object('counterparty_account', p_from))
                RETURNING id INTO v_to_entry;
              RETURN QUERY SELECT 'ok'::text, v_from_entry, v_to_entry, v_from_balance;
            END $$
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION credits_transfer(uuid, uuid, bigint, text, uuid, text, jsonb, text)`,
    );
    await queryRunner.query(`DROP FUNCTION credits_post(uuid, text, bigint, text, uuid, text, jsonb, text)`);
    await queryRunner.query(`DROP FUNCTION credits_sweep(integer, boolean)`);
    await queryRunner.query(`DROP FUNCTION credits_settle(uuid, bigint, jsonb, text)`);
    await queryRunner.query(
      `DROP FUNCTION credits_reserve(uuid, uuid, uuid, text, bigint, text, bigint, integer)`,
    );
    await queryRunner.query(`DROP FUNCTION credits_pool_account(uuid)`);
    await queryRunner.query(`DROP FUNCTION credits_user_account(uuid, uuid, bigint)`);
    await queryRunner.query(`DROP TRIGGER credit_ledger_no_truncate ON credit_ledger`);
    await queryRunner.query(`DROP TRIGGER credit_ledger_no_update_delete ON credit_ledger`);
    await queryRunner.query(`DROP FUNCTION credit_ledger_append_only()`);
    await queryRunner.query(`
            ALTER TABLE "credit_tenant_settings" DROP CONSTRAINT "FK_7ccdeb9d3f39d55ed042103734b"
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_reservations" DROP CONSTRAINT "FK_4a728c8be4b22604302bb83170b"
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_ledger" DROP CONSTRAINT "FK_e453915c99ea979f40efb55f0ca"
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_key_spend" DROP CONSTRAINT "FK_70f377a21b310997d5aecbc9ccd"
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_accounts" DROP CONSTRAINT "FK_e9e4079e4a9bc1ddeb3452b7f69"
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_accounts" DROP CONSTRAINT "FK_872ba75a97257de9a4bf8557ffa"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."usage_records_tenant_time_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "usage_records"
        `);
    await queryRunner.query(`
            DROP TABLE "credit_tenant_settings"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credit_reservations_pending_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credit_reservations_account_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "credit_reservations"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credit_ledger_account_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credit_ledger_tenant_time_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credit_ledger_idempotency_key"
        `);
    await queryRunner.query(`
            DROP TABLE "credit_ledger"
        `);
    await queryRunner.query(`
            DROP TABLE "credit_key_spend"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credit_accounts_tenant_pool_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credit_accounts_user_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credit_accounts_tenant_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "credit_accounts"
        `);
  }
}
