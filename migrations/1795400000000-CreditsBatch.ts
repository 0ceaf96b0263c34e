import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hot path's money moves in batches: credits_apply runs a list of reservations and
 * settlements in one statement (one round trip, one commit for every call in flight), and
 * credits_reserve refuses an API key's spent budget by returning a row instead of raising, so
 * one refusal does not abort the other calls of its batch.
 */
export class CreditsBatch1795400000000 implements MigrationInterface {
  name = 'CreditsBatch1795400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE OR REPLACE FUNCTION credits_reserve(
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
                INSERT INTO credit_key_spend AS s (api_key_id, tenant_id, spent)
                  VALUES (p_key, p_tenant, p_amount)
                  ON CONFLICT (api_key_id) DO UPDATE SET spent = s.spent + EXCLUDED.spent, updated_at = now()
                    WHERE v_budget IS NULL OR s.spent + EXCLUDED.spent <= v_budget
                  RETURNING s.spent INTO v_spent;
                IF NOT FOUND THEN
                  -- Lost the race for the key's budget: give the debit back (same transaction,
                  -- nothing else written yet) and refuse without raising, so a batch goes on.
                  IF p_amount > 0 THEN
                    UPDATE credit_accounts a SET balance = a.balance + p_amount WHERE a.id = v_account;
                  END IF;
                  SELECT s.spent INTO v_spent FROM credit_key_spend s WHERE s.api_key_id = p_key;
                  RETURN QUERY SELECT 'key_budget'::text, NULL::uuid, NULL::uuid, NULL::bigint,
                    GREATEST(v_budget - COALESCE(v_spent, 0), 0);
                  RETURN;
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
    await queryRunner.query(`
            CREATE FUNCTION credits_apply(p_ops jsonb)
            RETURNS TABLE (r_index integer, r_status text, r_reservation uuid, r_account uuid,
                           r_balance bigint, r_budget_remaining bigint, r_charged bigint)
            LANGUAGE plpgsql AS $$
            DECLARE
              v_op jsonb;
              v_index integer := 0;
              v_res record;
            BEGIN
              FOR v_op IN SELECT value FROM jsonb_array_elements(p_ops) LOOP
                IF v_op->>'op' = 'reserve' THEN
                  SELECT * INTO v_res FROM credits_reserve((v_op->>'tenant')::uuid, (v_op->>'user')::uuid,
                    (v_op->>'key')::uuid, v_op->>'request', (v_op->>'amount')::bigint, v_op->>'model',
                    (v_op->>'signup')::bigint, (v_op->>'ttl')::integer);
                  RETURN QUERY SELECT v_index, v_res.r_status, v_res.r_reservation, v_res.r_account,
                    v_res.r_balance, v_res.r_budget_remaining, NULL::bigint;
                ELSIF v_op->>'op' = 'settle' THEN
                  SELECT * INTO v_res FROM credits_settle((v_op->>'reservation')::uuid,
                    (v_op->>'actual')::bigint, v_op->'metadata', v_op->>'outcome');
                  RETURN QUERY SELECT v_index, v_res.r_status, NULL::uuid, NULL::uuid, NULL::bigint,
                    NULL::bigint, v_res.r_charged;
                ELSE
                  RAISE EXCEPTION 'unknown credits op %', v_op->>'op' USING ERRCODE = 'check_violation';
                END IF;
                v_index := v_index + 1;
              END LOOP;
            END $$
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION credits_apply(jsonb)`);
    await queryRunner.query(`
            CREATE OR REPLACE FUNCTION credits_reserve(
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
  }
}
