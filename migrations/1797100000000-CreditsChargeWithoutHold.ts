import { MigrationInterface, QueryRunner } from 'typeorm';
import { applyOnce } from './1797000000000-CreditsApplyOnce.js';

/**
 * A settled call can be charged without a reservation before it (issue 20, decision 0030): the
 * `charge` op of credits_apply and its row-at-a-time function credits_charge. A charge passes the
 * same checks a reservation of its amount would (the API key's budget, then `balance - held`)
 * and, if it passes, takes the amount off the balance and writes the call's one `charge` entry
 * (no reservation; the idempotency key the caller gave it) and
 * the key's spend. If it does not pass, nothing is written and the row says why, as a refused
 * reservation's does. Each charge carries its own idempotency key (made by the caller): a charge
 * run again after its transaction committed (the answer was lost) returns the first outcome.
 */
export class CreditsChargeWithoutHold1797100000000 implements MigrationInterface {
  name = 'CreditsChargeWithoutHold1797100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(chargeFunction);
    await queryRunner.query(applyOnce(true));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(applyOnce(false));
    await queryRunner.query(
      'DROP FUNCTION IF EXISTS credits_charge(uuid, uuid, uuid, text, bigint, bigint, jsonb, text)',
    );
  }
}

const chargeFunction = `
            CREATE OR REPLACE FUNCTION credits_charge(
              p_tenant uuid, p_user uuid, p_key uuid, p_request text, p_amount bigint, p_signup bigint,
              p_metadata jsonb, p_idempotency text)
            RETURNS TABLE (r_status text, r_account uuid, r_balance bigint, r_budget_remaining bigint,
                           r_charged bigint)
            LANGUAGE plpgsql AS $$
            DECLARE
              v_account uuid;
              v_balance bigint;
              v_held bigint;
              v_budget bigint;
              v_spent bigint;
              v_charged bigint;
            BEGIN
              IF p_amount IS NULL OR p_amount < 0 THEN
                RAISE EXCEPTION 'charge amount must be >= 0, got %', p_amount USING ERRCODE = 'check_violation';
              END IF;
              -- Run again after it committed: the first outcome, nothing written.
              SELECT l.account_id, -l.amount INTO v_account, v_charged FROM credit_ledger l
                WHERE l.idempotency_key = p_idempotency;
              IF FOUND THEN
                RETURN QUERY SELECT 'ok'::text, v_account, a.balance - a.held, NULL::bigint, v_charged
                  FROM credit_accounts a WHERE a.id = v_account;
                RETURN;
              END IF;
              -- An unlocked early look at the key's budget, so the common refusal needs no
              -- exception; the conditional upsert below is what guarantees it.
              IF p_key IS NOT NULL THEN
                SELECT k.credit_budget INTO v_budget FROM api_keys k WHERE k.id = p_key;
                IF v_budget IS NOT NULL THEN
                  SELECT s.spent INTO v_spent FROM credit_key_spend s WHERE s.api_key_id = p_key;
                  IF COALESCE(v_spent, 0) + p_amount > v_budget THEN
                    RETURN QUERY SELECT 'key_budget'::text, NULL::uuid, NULL::bigint,
                      GREATEST(v_budget - COALESCE(v_spent, 0), 0), NULL::bigint;
                    RETURN;
                  END IF;
                END IF;
              END IF;
              v_account := credits_user_account(p_tenant, p_user, p_signup);
              SELECT a.balance, a.held INTO v_balance, v_held FROM credit_accounts a
                WHERE a.id = v_account FOR UPDATE;
              IF p_amount > 0 AND v_balance - v_held < p_amount THEN
                RETURN QUERY SELECT 'insufficient_balance'::text, v_account, v_balance - v_held, NULL::bigint,
                  NULL::bigint;
                RETURN;
              END IF;
              -- A key with a budget: counted under it (a lost race refuses, nothing written yet);
              -- a key without one: its charges are its spend.
              IF v_budget IS NOT NULL OR (p_key IS NOT NULL AND p_amount > 0) THEN
                INSERT INTO credit_key_spend AS s (api_key_id, tenant_id, spent)
                  VALUES (p_key, p_tenant, p_amount)
                  ON CONFLICT (api_key_id) DO UPDATE SET spent = s.spent + EXCLUDED.spent, updated_at = now()
                    WHERE v_budget IS NULL OR s.spent + EXCLUDED.spent <= v_budget
                  RETURNING s.spent INTO v_spent;
                IF NOT FOUND THEN
                  SELECT s.spent INTO v_spent FROM credit_key_spend s WHERE s.api_key_id = p_key;
                  RETURN QUERY SELECT 'key_budget'::text, NULL::uuid, NULL::bigint,
                    GREATEST(v_budget - COALESCE(v_spent, 0), 0), NULL::bigint;
                  RETURN;
                END IF;
              END IF;
              IF p_amount > 0 THEN
                v_balance := v_balance - p_amount;
                UPDATE credit_accounts a SET balance = v_balance, updated_at = now() WHERE a.id = v_account;
                INSERT INTO credit_ledger
                  (account_id, tenant_id, user_id, api_key_id, kind, amount, balance_after, request_id,
                   reservation_id, idempotency_key, actor_id, metadata)
                  VALUES (v_account, p_tenant, p_user, p_key, 'charge', -p_amount, v_balance, p_request,
                   NULL, p_idempotency, p_user, COALESCE(p_metadata, '{}'::jsonb));
              END IF;
              RETURN QUERY SELECT 'ok'::text, v_account, v_balance - v_held,
                CASE WHEN v_budget IS NULL THEN NULL::bigint ELSE v_budget - v_spent END, p_amount;
            END $$`;
