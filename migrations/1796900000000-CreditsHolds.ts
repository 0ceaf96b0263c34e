import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One ledger row per settled call (issue 20, decision 0024). A reservation no longer writes a
 * `reservation` entry that its settlement then undoes with a `release` entry: it adds its amount
 * to the account's `held`, and what a call can spend is `balance - held`. The settlement takes
 * the hold back and writes the one `charge` entry (none for a call that costs nothing or fails),
 * carrying the amount held in its metadata. `balance` stays the sum of the account's entries at
 * every moment, not only when nothing is in flight; `held` is the sum of its pending
 * reservations (the verifier checks both). Grants, adjustments and transfers check `balance -
 * held`, and a constraint keeps `held` within `balance`.
 *
 * Reservations pending at upgrade time took their amount out of the balance with a
 * `reservation` entry: each gets a `release` entry now and becomes a hold, so the settlement
 * that comes later (from a gateway of either version) finds one kind of reservation only.
 * Going down does the opposite: each pending hold gets a `reservation` entry.
 */
export class CreditsHolds1796900000000 implements MigrationInterface {
  name = 'CreditsHolds1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "credit_accounts" ADD "held" bigint NOT NULL DEFAULT '0'`);
    // Whether the reservation counts in its key's spend (only a key with a budget needs it).
    await queryRunner.query(`ALTER TABLE "credit_reservations" ADD "key_held" boolean NOT NULL DEFAULT true`);
    // Pending amounts per account are the account's held now; nothing looks reservations up by
    // account any more, and the index cost two index writes per call.
    await queryRunner.query(`DROP INDEX "public"."credit_reservations_account_idx"`);
    // Pending reservations become holds: release each (one entry, the running balance per
    // account in id order), then hold its amount.
    await queryRunner.query(`
            WITH pending AS (
              SELECT r.*, SUM(r.amount) OVER (PARTITION BY r.account_id ORDER BY r.created_at, r.id) AS running
                FROM credit_reservations r WHERE r.status = 'pending' AND r.amount > 0
            ), released AS (
              INSERT INTO credit_ledger
                (account_id, tenant_id, user_id, api_key_id, kind, amount, balance_after, request_id,
                 reservation_id, idempotency_key, actor_id, metadata)
              SELECT p.account_id, p.tenant_id, p.user_id, p.api_key_id, 'release', p.amount, a.balance + p.running,
                     p.request_id, p.id, 'release:' || p.id, p.user_id, '{"outcome": "held"}'::jsonb
                FROM pending p JOIN credit_accounts a ON a.id = p.account_id
                ORDER BY p.account_id, p.created_at, p.id
              RETURNING account_id, amount
            )
            UPDATE credit_accounts a SET balance = a.balance + s.total, held = a.held + s.total
              FROM (SELECT account_id, SUM(amount) AS total FROM released GROUP BY account_id) s
             WHERE a.id = s.account_id
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_held_check" CHECK (held >= 0 AND held <= balance)
        `);
    await queryRunner.query(holdReserve);
    await queryRunner.query(holdSettle);
    await queryRunner.query(postFunction('a.balance - a.held'));
    await queryRunner.query(transferFunction('f.balance - f.held'));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Every hold goes back to a reservation entry that takes its amount out of the balance.
    await queryRunner.query(`
            WITH pending AS (
              SELECT r.*, SUM(r.amount) OVER (PARTITION BY r.account_id ORDER BY r.created_at, r.id) AS running
                FROM credit_reservations r WHERE r.status = 'pending' AND r.amount > 0
            ), reserved AS (
              INSERT INTO credit_ledger
                (account_id, tenant_id, user_id, api_key_id, kind, amount, balance_after, request_id,
                 reservation_id, idempotency_key, actor_id, metadata)
              SELECT p.account_id, p.tenant_id, p.user_id, p.api_key_id, 'reservation', -p.amount,
                     a.balance - p.running, p.request_id, p.id, 'reservation:' || p.id || ':down', p.user_id,
                     CASE WHEN p.model IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('model', p.model) END
                FROM pending p JOIN credit_accounts a ON a.id = p.account_id
                ORDER BY p.account_id, p.created_at, p.id
              RETURNING account_id, amount
            )
            UPDATE credit_accounts a SET balance = a.balance + s.total
              FROM (SELECT account_id, SUM(amount) AS total FROM reserved GROUP BY account_id) s
             WHERE a.id = s.account_id
        `);
    // The debit functions count every pending reservation in its key's spend.
    await queryRunner.query(`
            INSERT INTO credit_key_spend AS s (api_key_id, tenant_id, spent)
            SELECT r.api_key_id, min(r.tenant_id::text)::uuid, SUM(r.amount) FROM credit_reservations r
             WHERE r.status = 'pending' AND r.api_key_id IS NOT NULL AND NOT r.key_held GROUP BY r.api_key_id
            ON CONFLICT (api_key_id) DO UPDATE SET spent = s.spent + EXCLUDED.spent
        `);
    await queryRunner.query(
      `CREATE INDEX "credit_reservations_account_idx" ON "credit_reservations" ("account_id")`,
    );
    await queryRunner.query(`ALTER TABLE "credit_reservations" DROP COLUMN "key_held"`);
    await queryRunner.query(`ALTER TABLE "credit_accounts" DROP CONSTRAINT "credit_accounts_held_check"`);
    await queryRunner.query(`ALTER TABLE "credit_accounts" DROP COLUMN "held"`);
    await queryRunner.query(debitReserve);
    await queryRunner.query(debitSettle);
    await queryRunner.query(postFunction('a.balance'));
    await queryRunner.query(transferFunction('f.balance'));
  }
}

// The budget look shared by both versions of credits_reserve: an unlocked early look, so the
// common refusal needs no exception; the conditional upsert after it is what guarantees the
// budget under concurrency.
const budgetLook = `
              IF p_amount IS NULL OR p_amount < 0 THEN
                RAISE EXCEPTION 'reservation amount must be >= 0, got %', p_amount USING ERRCODE = 'check_violation';
              END IF;
              IF p_key IS NOT NULL THEN
                SELECT k.credit_budget INTO v_budget FROM api_keys k WHERE k.id = p_key;
                IF v_budget IS NOT NULL THEN
                  SELECT s.spent INTO v_spent FROM credit_key_spend s WHERE s.api_key_id = p_key;
                  IF COALESCE(v_spent, 0) + p_amount > v_budget THEN
                    RETURN QUERY SELECT 'key_budget'::text, NULL::uuid, NULL::uuid, NULL::bigint,
                      GREATEST(v_budget - COALESCE(v_spent, 0), 0);
                    RETURN;
                  END IF;
                END IF;
              END IF;
              v_account := credits_user_account(p_tenant, p_user, p_signup);`;

/**
 * The key's spend grows by the reservation; `undo` gives the account back what it took on a lost
 * race. `when` narrows which keys: the hold version counts only keys with a budget.
 */
function keySpend(undo: string, when = 'p_key IS NOT NULL'): string {
  return `
              IF ${when} THEN
                INSERT INTO credit_key_spend AS s (api_key_id, tenant_id, spent)
                  VALUES (p_key, p_tenant, p_amount)
                  ON CONFLICT (api_key_id) DO UPDATE SET spent = s.spent + EXCLUDED.spent, updated_at = now()
                    WHERE v_budget IS NULL OR s.spent + EXCLUDED.spent <= v_budget
                  RETURNING s.spent INTO v_spent;
                IF NOT FOUND THEN
                  -- Lost the race for the key's budget: undo (same transaction, nothing else
                  -- written yet) and refuse without raising, so a batch goes on.
                  IF p_amount > 0 THEN
                    ${undo}
                  END IF;
                  SELECT s.spent INTO v_spent FROM credit_key_spend s WHERE s.api_key_id = p_key;
                  RETURN QUERY SELECT 'key_budget'::text, NULL::uuid, NULL::uuid, NULL::bigint,
                    GREATEST(v_budget - COALESCE(v_spent, 0), 0);
                  RETURN;
                END IF;
              END IF;`;
}

const reserveHead = `
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
            BEGIN`;

/** The hold version records whether the key's spend counts the reservation (a budget). */
const holdReserveTail = `
              INSERT INTO credit_reservations
                (id, account_id, tenant_id, user_id, api_key_id, request_id, model, amount, status, expires_at, key_held)
                VALUES (v_id, v_account, p_tenant, p_user, p_key, p_request, p_model, p_amount, 'pending',
                 now() + make_interval(secs => p_ttl_seconds), v_budget IS NOT NULL);
              RETURN QUERY SELECT 'ok'::text, v_id, v_account, v_balance,
                CASE WHEN v_budget IS NULL THEN NULL::bigint ELSE v_budget - v_spent END;
            END $$`;

const reserveTail = `
              INSERT INTO credit_reservations
                (id, account_id, tenant_id, user_id, api_key_id, request_id, model, amount, status, expires_at)
                VALUES (v_id, v_account, p_tenant, p_user, p_key, p_request, p_model, p_amount, 'pending',
                 now() + make_interval(secs => p_ttl_seconds));
              RETURN QUERY SELECT 'ok'::text, v_id, v_account, v_balance,
                CASE WHEN v_budget IS NULL THEN NULL::bigint ELSE v_budget - v_spent END;
            END $$`;

// A hold: r_balance is what the account can still spend (balance - held). No ledger entry.
const holdReserve = `${reserveHead}${budgetLook}
              IF p_amount > 0 THEN
                UPDATE credit_accounts a SET held = a.held + p_amount
                  WHERE a.id = v_account AND a.balance - a.held >= p_amount
                  RETURNING a.balance - a.held INTO v_balance;
                IF NOT FOUND THEN
                  SELECT a.balance - a.held INTO v_balance FROM credit_accounts a WHERE a.id = v_account;
                  RETURN QUERY SELECT 'insufficient_balance'::text, NULL::uuid, v_account, v_balance, NULL::bigint;
                  RETURN;
                END IF;
              ELSE
                SELECT a.balance - a.held INTO v_balance FROM credit_accounts a WHERE a.id = v_account;
              END IF;${keySpend(
                'UPDATE credit_accounts a SET held = a.held - p_amount WHERE a.id = v_account;',
                'v_budget IS NOT NULL',
              )}${holdReserveTail}`;

// As CreditsBatch1795400000000 defined it: the reservation is a ledger entry.
const debitReserve = `${reserveHead}${budgetLook}
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
              END IF;${keySpend('UPDATE credit_accounts a SET balance = a.balance + p_amount WHERE a.id = v_account;')}
              IF p_amount > 0 THEN
                INSERT INTO credit_ledger
                  (account_id, tenant_id, user_id, api_key_id, kind, amount, balance_after, request_id,
                   reservation_id, idempotency_key, actor_id, metadata)
                  VALUES (v_account, p_tenant, p_user, p_key, 'reservation', -p_amount, v_balance, p_request,
                   v_id, 'reservation:' || v_id, p_user,
                   CASE WHEN p_model IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('model', p_model) END);
              END IF;${reserveTail}`;

const settleHead = `
            CREATE OR REPLACE FUNCTION credits_settle(p_reservation uuid, p_actual bigint, p_metadata jsonb, p_outcome text)
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
                || CASE WHEN r.model IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('model', r.model) END;`;

/**
 * A charge settled after its reservation expired: from what the account can spend (`available`),
 * added to the key's spend by `keyCharge`.
 */
function lateCharge(available: string, keyCharge: string): string {
  return `
              IF r.status <> 'pending' THEN
                IF r.status = 'expired' AND v_charge > 0 THEN
                  SELECT ${available} INTO v_balance FROM credit_accounts a WHERE a.id = r.account_id FOR UPDATE;
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
                      ${keyCharge}
                    END IF;
                  END IF;
                  UPDATE credit_reservations SET status = 'settled', charged = v_charge, resolved_at = now()
                    WHERE id = r.id;
                  RETURN QUERY SELECT 'settled'::text, v_charge;
                  RETURN;
                END IF;
                RETURN QUERY SELECT r.status, r.charged;
                RETURN;
              END IF;`;
}

const keySpendSettle = `
                IF r.api_key_id IS NOT NULL AND r.amount <> v_charge THEN
                  UPDATE credit_key_spend s SET spent = s.spent - r.amount + v_charge, updated_at = now()
                    WHERE s.api_key_id = r.api_key_id;
                END IF;`;

// What a key without a budget spent is only ever its charges: added once the call settles.
const keyChargeUpsert = `INSERT INTO credit_key_spend AS s (api_key_id, tenant_id, spent)
                        VALUES (r.api_key_id, r.tenant_id, v_charge)
                        ON CONFLICT (api_key_id) DO UPDATE SET spent = s.spent + EXCLUDED.spent, updated_at = now();`;
const keyChargeUpdate = `UPDATE credit_key_spend s SET spent = s.spent + v_charge, updated_at = now()
                        WHERE s.api_key_id = r.api_key_id;`;

const holdKeySpendSettle = `
                IF r.api_key_id IS NOT NULL AND r.key_held AND r.amount <> v_charge THEN
                  UPDATE credit_key_spend s SET spent = s.spent - r.amount + v_charge, updated_at = now()
                    WHERE s.api_key_id = r.api_key_id;
                ELSIF r.api_key_id IS NOT NULL AND NOT r.key_held AND v_charge > 0 THEN
                  ${keyChargeUpsert}
                END IF;`;

const settleTail = `
              UPDATE credit_reservations SET status = p_outcome, charged = v_charge, resolved_at = now()
                WHERE id = r.id;
              RETURN QUERY SELECT p_outcome, v_charge;
            END $$`;

// The hold is taken back and the charge (if any) is the call's one ledger entry.
const holdSettle = `${settleHead}${lateCharge('a.balance - a.held', keyChargeUpsert)}
              IF r.amount > 0 THEN
                UPDATE credit_accounts a SET balance = a.balance - v_charge, held = a.held - r.amount, updated_at = now()
                  WHERE a.id = r.account_id RETURNING a.balance INTO v_balance;
                IF v_charge > 0 THEN
                  INSERT INTO credit_ledger
                    (account_id, tenant_id, user_id, api_key_id, kind, amount, balance_after, request_id,
                     reservation_id, idempotency_key, actor_id, metadata)
                    VALUES (r.account_id, r.tenant_id, r.user_id, r.api_key_id, 'charge', -v_charge, v_balance,
                     r.request_id, r.id, 'charge:' || r.id, v_actor,
                     v_meta || jsonb_build_object('held', r.amount::text));
                END IF;${holdKeySpendSettle}
              END IF;${settleTail}`;

// As Credits1795300397649 defined it: a release entry, then the charge entry.
const debitSettle = `${settleHead}${lateCharge('a.balance', keyChargeUpdate)}
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
                END IF;${keySpendSettle}
              END IF;${settleTail}`;

/** credits_post: one posting, exactly once per idempotency key; refused below `available`. */
function postFunction(available: string): string {
  return `
            CREATE OR REPLACE FUNCTION credits_post(
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
              IF ${available} + p_amount < 0 THEN
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
            END $$`;
}

/** credits_transfer: both entries or neither; refused when the source's `available` is short. */
function transferFunction(available: string): string {
  return `
            CREATE OR REPLACE FUNCTION credits_transfer(
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
              IF ${available} < p_amount THEN
                RETURN QUERY SELECT 'insufficient_balance'::text, NULL::bigint, NULL::bigint, ${available};
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
            END $$`;
}
