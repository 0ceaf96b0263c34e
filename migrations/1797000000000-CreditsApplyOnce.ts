import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * credits_apply writes each table once per batch (issue 20, decision 0026). Before, every op of a
 * batch called credits_reserve or credits_settle, which updated its account row (one new row
 * version per op, all on the same few hot rows), inserted or updated its reservation and its
 * ledger entry, and upserted its key's spend, one statement each. Now the batch locks each
 * account it touches once, on first touch, and keeps its balance and held in variables while it
 * goes through the ops in order (the checks are the same, against the same numbers); at the end
 * it writes one UPDATE of the accounts, one INSERT of the new reservations, one UPDATE of the
 * settled ones, one INSERT of the ledger entries (in op order, each with the running balance
 * after it) and one upsert of the charges of keys without a budget. What can only be decided
 * against another row at the time (a key's budget, under concurrency) stays one statement per op,
 * as before. Results, errors, entries and balances are those of the op-by-op version; the
 * row-at-a-time functions stay, for the sweeper and for direct use.
 */
export class CreditsApplyOnce1797000000000 implements MigrationInterface {
  name = 'CreditsApplyOnce1797000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(applyOnce());
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(applyEach);
  }
}

const head = `
            CREATE OR REPLACE FUNCTION credits_apply(p_ops jsonb)
            RETURNS TABLE (r_index integer, r_status text, r_reservation uuid, r_account uuid,
                           r_balance bigint, r_budget_remaining bigint, r_charged bigint)
            LANGUAGE plpgsql AS $$`;

// A batch that only reserves commits without waiting for its WAL flush (decision 0008).
const relax = `
              IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_ops) o WHERE o.value->>'op' <> 'reserve') THEN
                PERFORM set_config('synchronous_commit', 'off', true);
              END IF;`;

// Every statement of the batch reaches its rows by key; = ANY over a few ids must stay an index
// scan when the table's statistics are young (a new or freshly grown table plans a sequential
// scan for them), so the function never plans one.
// A batch of one charge: the row-at-a-time function (CreditsChargeWithoutHold).
const loneCharge = `
                ELSIF v_op->>'op' = 'charge' THEN
                  RETURN QUERY SELECT 0, s.r_status, NULL::uuid, s.r_account, s.r_balance, s.r_budget_remaining,
                    s.r_charged
                    FROM credits_charge((v_op->>'tenant')::uuid, (v_op->>'user')::uuid, (v_op->>'key')::uuid,
                      v_op->>'request', (v_op->>'amount')::bigint, (v_op->>'signup')::bigint, v_op->'metadata',
                      v_op->>'idem') s;
                  RETURN;`;

// The charge's own declarations: the idempotency keys of the batch's ledger entries (a settled
// call's is its reservation's, a charge's its own).
const chargeDeclarations = `
              l_idem text[];`;

// A charge whose idempotency key is in the ledger already (its batch committed, then its answer
// was lost and the op was run again): the first outcome, nothing written.
const chargeReplay = `
                IF v_kind = 'charge' THEN
                  SELECT l.account_id, -l.amount INTO v_account, v_charge FROM credit_ledger l
                    WHERE l.idempotency_key = v_op->>'idem';
                  IF FOUND THEN
                    v_pos := array_position(a_id, v_account);
                    RETURN QUERY SELECT v_index, 'ok'::text, NULL::uuid, v_account,
                      CASE WHEN v_pos IS NULL
                        THEN (SELECT a.balance - a.held FROM credit_accounts a WHERE a.id = v_account)
                        ELSE a_balance[v_pos] - a_held[v_pos] END,
                      NULL::bigint, v_charge;
                    CONTINUE;
                  END IF;
                END IF;`;

// A charge in a batch: past the same balance and budget checks as a reservation, it takes the
// amount off the balance and queues its ledger entry (no reservation, no idempotency key) and,
// for a key without a budget, its spend.
const batchCharge = `
                  IF v_kind = 'charge' THEN
                    IF v_amount > 0 THEN
                      v_balance := v_balance - v_amount;
                      a_balance[v_pos] := v_balance;
                      l_account := array_append(l_account, v_account);
                      l_tenant := array_append(l_tenant, v_tenant);
                      l_user := array_append(l_user, v_user);
                      l_key := array_append(l_key, v_key);
                      l_amount := array_append(l_amount, -v_amount);
                      l_balance := array_append(l_balance, v_balance);
                      l_request := array_append(l_request, (v_op->>'request'));
                      l_reservation := array_append(l_reservation, NULL::uuid);
                      l_actor := array_append(l_actor, v_user);
                      l_meta := array_append(l_meta, COALESCE(v_op->'metadata', '{}'::jsonb));
                      l_idem := array_append(l_idem, v_op->>'idem');
                      IF v_key IS NOT NULL AND v_budget IS NULL THEN
                        v_queued := array_position(k_key, v_key);
                        IF v_queued IS NULL THEN
                          k_key := array_append(k_key, v_key);
                          k_tenant := array_append(k_tenant, v_tenant);
                          k_charge := array_append(k_charge, v_amount);
                        ELSE
                          k_charge[v_queued] := k_charge[v_queued] + v_amount;
                        END IF;
                      END IF;
                    END IF;
                    RETURN QUERY SELECT v_index, 'ok'::text, NULL::uuid, v_account, v_balance - v_held,
                      CASE WHEN v_budget IS NULL THEN NULL::bigint ELSE v_budget - v_spent END, v_amount;
                    CONTINUE;
                  END IF;`;

/**
 * The set-based credits_apply. `withCharge` adds the `charge` op of CreditsChargeWithoutHold
 * (a settled call charged once, with no reservation before it); without it, the text is this
 * migration's as it ran.
 */
export function applyOnce(withCharge = false): string {
  const reserveOr = withCharge ? ` OR v_kind = 'charge'` : '';
  return `${head.replace('LANGUAGE plpgsql AS', 'LANGUAGE plpgsql SET enable_seqscan = off AS')}
            DECLARE
              v_op jsonb;
              v_kind text;
              v_index integer := -1;
              -- The accounts this batch has locked, as its ops so far have left them. The arrays start
              -- NULL (array_append and array_position take it; no initializer to evaluate per call).
              a_id uuid[];
              a_balance bigint[];
              a_held bigint[];
              v_pos integer;
              v_account uuid;
              v_balance bigint;
              v_held bigint;
              v_last_user uuid;
              v_last_account uuid;
              -- reserve
              v_tenant uuid;
              v_user uuid;
              v_key uuid;
              v_amount bigint;
              v_budget bigint;
              v_spent bigint;
              v_id uuid;
              -- settle
              r credit_reservations%ROWTYPE;
              v_outcome text;
              v_charge bigint;
              v_meta jsonb;
              v_queued integer;
              -- What the batch writes at the end.
              n_id uuid[];
              n_account uuid[];
              n_tenant uuid[];
              n_user uuid[];
              n_key uuid[];
              n_request text[];
              n_model text[];
              n_amount bigint[];
              n_ttl integer[];
              n_key_held boolean[];
              s_id uuid[];
              s_status text[];
              s_charged bigint[];
              l_account uuid[];
              l_tenant uuid[];
              l_user uuid[];
              l_key uuid[];
              l_amount bigint[];
              l_balance bigint[];
              l_request text[];
              l_reservation uuid[];
              l_actor uuid[];
              l_meta jsonb[];${withCharge ? chargeDeclarations : ''}
              k_key uuid[];
              k_tenant uuid[];
              k_charge bigint[];
            BEGIN
              ${relax}
              -- One op has nothing to share: the row-at-a-time function, with fewer statements.
              IF jsonb_array_length(p_ops) = 1 THEN
                v_op := p_ops->0;
                IF v_op->>'op' = 'reserve' THEN
                  RETURN QUERY SELECT 0, s.r_status, s.r_reservation, s.r_account, s.r_balance, s.r_budget_remaining,
                    NULL::bigint
                    FROM credits_reserve((v_op->>'tenant')::uuid, (v_op->>'user')::uuid, (v_op->>'key')::uuid,
                      v_op->>'request', (v_op->>'amount')::bigint, v_op->>'model', (v_op->>'signup')::bigint,
                      (v_op->>'ttl')::integer) s;
                  RETURN;
                ELSIF v_op->>'op' = 'settle' THEN
                  RETURN QUERY SELECT 0, s.r_status, NULL::uuid, NULL::uuid, NULL::bigint, NULL::bigint, s.r_charged
                    FROM credits_settle((v_op->>'reservation')::uuid, (v_op->>'actual')::bigint, v_op->'metadata',
                      v_op->>'outcome') s;
                  RETURN;${withCharge ? loneCharge : ''}
                END IF;
              END IF;
              FOR v_op IN SELECT value FROM jsonb_array_elements(p_ops) LOOP
                v_index := v_index + 1;
                v_kind := v_op->>'op';${withCharge ? chargeReplay : ''}
                IF v_kind = 'reserve'${reserveOr} THEN
                  v_tenant := (v_op->>'tenant')::uuid;
                  v_user := (v_op->>'user')::uuid;
                  v_key := (v_op->>'key')::uuid;
                  v_amount := (v_op->>'amount')::bigint;
                  IF v_amount IS NULL OR v_amount < 0 THEN
                    RAISE EXCEPTION '${withCharge ? `% amount must be >= 0, got %', CASE WHEN v_kind = 'charge' THEN 'charge' ELSE 'reservation' END,` : `reservation amount must be >= 0, got %',`} v_amount USING ERRCODE = 'check_violation';
                  END IF;
                  -- An unlocked early look at the key's budget, so the common refusal needs no
                  -- exception; the conditional upsert below is what guarantees it.
                  v_budget := NULL;
                  IF v_key IS NOT NULL THEN
                    SELECT k.credit_budget INTO v_budget FROM api_keys k WHERE k.id = v_key;
                    IF v_budget IS NOT NULL THEN
                      -- This batch's charges of the key so far count, as they would have op by op.
                      v_queued := array_position(k_key, v_key);
                      IF v_queued IS NOT NULL AND k_charge[v_queued] > 0 THEN
                        INSERT INTO credit_key_spend AS s (api_key_id, tenant_id, spent)
                          VALUES (v_key, k_tenant[v_queued], k_charge[v_queued])
                          ON CONFLICT (api_key_id) DO UPDATE SET spent = s.spent + EXCLUDED.spent, updated_at = now();
                        k_charge[v_queued] := 0;
                      END IF;
                      SELECT s.spent INTO v_spent FROM credit_key_spend s WHERE s.api_key_id = v_key;
                      IF COALESCE(v_spent, 0) + v_amount > v_budget THEN
                        RETURN QUERY SELECT v_index, 'key_budget'::text, NULL::uuid, NULL::uuid, NULL::bigint,
                          GREATEST(v_budget - COALESCE(v_spent, 0), 0), NULL::bigint;
                        CONTINUE;
                      END IF;
                    END IF;
                  END IF;
                  IF v_user = v_last_user THEN
                    v_account := v_last_account;
                  ELSE
                    v_account := credits_user_account(v_tenant, v_user, (v_op->>'signup')::bigint);
                    v_last_user := v_user;
                    v_last_account := v_account;
                  END IF;
                ELSIF v_kind = 'settle' THEN
                  v_outcome := v_op->>'outcome';
                  IF v_outcome IS NULL OR v_outcome NOT IN ('settled', 'released', 'expired') THEN
                    RAISE EXCEPTION 'unknown outcome %', v_outcome USING ERRCODE = 'check_violation';
                  END IF;
                  SELECT * INTO r FROM credit_reservations WHERE id = (v_op->>'reservation')::uuid FOR UPDATE;
                  IF NOT FOUND THEN
                    RETURN QUERY SELECT v_index, 'missing'::text, NULL::uuid, NULL::uuid, NULL::bigint,
                      NULL::bigint, NULL::bigint;
                    CONTINUE;
                  END IF;
                  -- Settled earlier in this batch: as the batch has left it.
                  v_queued := array_position(s_id, r.id);
                  IF v_queued IS NOT NULL THEN
                    r.status := s_status[v_queued];
                    r.charged := s_charged[v_queued];
                  END IF;
                  v_charge := CASE WHEN v_outcome = 'settled'
                    THEN LEAST(GREATEST(COALESCE((v_op->>'actual')::bigint, 0), 0), r.amount) ELSE 0 END;
                  IF r.status <> 'pending' AND NOT (r.status = 'expired' AND v_charge > 0) THEN
                    RETURN QUERY SELECT v_index, r.status, NULL::uuid, NULL::uuid, NULL::bigint, NULL::bigint, r.charged;
                    CONTINUE;
                  END IF;
                  v_meta := COALESCE(v_op->'metadata', '{}'::jsonb)
                    || CASE WHEN r.model IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('model', r.model) END;
                  IF r.status = 'pending' AND r.amount = 0 THEN
                    -- Nothing held, nothing to charge.
                    IF v_queued IS NULL THEN
                      s_id := array_append(s_id, r.id);
                      s_status := array_append(s_status, v_outcome);
                      s_charged := array_append(s_charged, v_charge);
                    END IF;
                    RETURN QUERY SELECT v_index, v_outcome, NULL::uuid, NULL::uuid, NULL::bigint, NULL::bigint, v_charge;
                    CONTINUE;
                  END IF;
                  v_account := r.account_id;
                ELSE
                  RAISE EXCEPTION 'unknown credits op %', v_kind USING ERRCODE = 'check_violation';
                END IF;

                -- The account: locked on its first touch in the batch, then kept here.
                v_pos := array_position(a_id, v_account);
                IF v_pos IS NULL THEN
                  SELECT a.balance, a.held INTO v_balance, v_held FROM credit_accounts a
                    WHERE a.id = v_account FOR UPDATE;
                  IF NOT FOUND THEN
                    RAISE EXCEPTION 'no credit account %', v_account USING ERRCODE = 'foreign_key_violation';
                  END IF;
                  a_id := array_append(a_id, v_account);
                  a_balance := array_append(a_balance, v_balance);
                  a_held := array_append(a_held, v_held);
                  v_pos := cardinality(a_id);
                END IF;
                v_balance := a_balance[v_pos];
                v_held := a_held[v_pos];

                IF v_kind = 'reserve'${reserveOr} THEN
                  IF v_amount > 0 AND v_balance - v_held < v_amount THEN
                    RETURN QUERY SELECT v_index, 'insufficient_balance'::text, NULL::uuid, v_account,
                      v_balance - v_held, NULL::bigint, NULL::bigint;
                    CONTINUE;
                  END IF;
                  IF v_budget IS NOT NULL THEN
                    INSERT INTO credit_key_spend AS s (api_key_id, tenant_id, spent)
                      VALUES (v_key, v_tenant, v_amount)
                      ON CONFLICT (api_key_id) DO UPDATE SET spent = s.spent + EXCLUDED.spent, updated_at = now()
                        WHERE s.spent + EXCLUDED.spent <= v_budget
                      RETURNING s.spent INTO v_spent;
                    IF NOT FOUND THEN
                      -- Lost the race for the key's budget: nothing held, refused without raising.
                      SELECT s.spent INTO v_spent FROM credit_key_spend s WHERE s.api_key_id = v_key;
                      RETURN QUERY SELECT v_index, 'key_budget'::text, NULL::uuid, NULL::uuid, NULL::bigint,
                        GREATEST(v_budget - COALESCE(v_spent, 0), 0), NULL::bigint;
                      CONTINUE;
                    END IF;
                  END IF;${withCharge ? batchCharge : ''}
                  a_held[v_pos] := v_held + v_amount;
                  v_id := gen_random_uuid();
                  n_id := array_append(n_id, v_id);
                  n_account := array_append(n_account, v_account);
                  n_tenant := array_append(n_tenant, v_tenant);
                  n_user := array_append(n_user, v_user);
                  n_key := array_append(n_key, v_key);
                  n_request := array_append(n_request, (v_op->>'request'));
                  n_model := array_append(n_model, (v_op->>'model'));
                  n_amount := array_append(n_amount, v_amount);
                  n_ttl := array_append(n_ttl, (v_op->>'ttl')::integer);
                  n_key_held := array_append(n_key_held, (v_budget IS NOT NULL));
                  RETURN QUERY SELECT v_index, 'ok'::text, v_id, v_account, v_balance - v_held - v_amount,
                    CASE WHEN v_budget IS NULL THEN NULL::bigint ELSE v_budget - v_spent END, NULL::bigint;
                  CONTINUE;
                END IF;

                -- A settlement.
                IF r.status = 'pending' THEN
                  -- The hold goes back and the charge (if any) is the call's one ledger entry.
                  v_balance := v_balance - v_charge;
                  a_balance[v_pos] := v_balance;
                  a_held[v_pos] := v_held - r.amount;
                  IF v_charge > 0 THEN
                    v_meta := v_meta || jsonb_build_object('held', r.amount::text);
                  END IF;
                  IF r.api_key_id IS NOT NULL AND r.key_held AND r.amount <> v_charge THEN
                    UPDATE credit_key_spend s SET spent = s.spent - r.amount + v_charge, updated_at = now()
                      WHERE s.api_key_id = r.api_key_id;
                  END IF;
                ELSE
                  -- Settled after its reservation expired: a late charge, from what the account can spend.
                  v_charge := LEAST(v_charge, v_balance - v_held);
                  IF v_charge > 0 THEN
                    v_balance := v_balance - v_charge;
                    a_balance[v_pos] := v_balance;
                  END IF;
                  v_meta := v_meta || '{"late": true}'::jsonb;
                  v_outcome := 'settled';
                END IF;
                IF v_charge > 0 THEN
                  l_account := array_append(l_account, r.account_id);
                  l_tenant := array_append(l_tenant, r.tenant_id);
                  l_user := array_append(l_user, r.user_id);
                  l_key := array_append(l_key, r.api_key_id);
                  l_amount := array_append(l_amount, -v_charge);
                  l_balance := array_append(l_balance, v_balance);
                  l_request := array_append(l_request, r.request_id);
                  l_reservation := array_append(l_reservation, r.id);
                  -- An expiry has no actor; a late charge is the caller's.
                  l_actor := array_append(l_actor, CASE WHEN v_outcome = 'expired' THEN NULL::uuid ELSE r.user_id END);
                  l_meta := array_append(l_meta, v_meta);${
                    withCharge
                      ? `
                  l_idem := array_append(l_idem, NULL::text);`
                      : ''
                  }
                  -- What a key without a budget spent is only ever its charges (a late charge counts for any key).
                  IF r.api_key_id IS NOT NULL AND (r.status <> 'pending' OR NOT r.key_held) THEN
                    v_queued := array_position(k_key, r.api_key_id);
                    IF v_queued IS NULL THEN
                      k_key := array_append(k_key, r.api_key_id);
                      k_tenant := array_append(k_tenant, r.tenant_id);
                      k_charge := array_append(k_charge, v_charge);
                    ELSE
                      k_charge[v_queued] := k_charge[v_queued] + v_charge;
                    END IF;
                  END IF;
                END IF;
                v_queued := array_position(s_id, r.id);
                IF v_queued IS NULL THEN
                  s_id := array_append(s_id, r.id);
                  s_status := array_append(s_status, v_outcome);
                  s_charged := array_append(s_charged, v_charge);
                ELSE
                  s_status[v_queued] := v_outcome;
                  s_charged[v_queued] := v_charge;
                END IF;
                RETURN QUERY SELECT v_index, v_outcome, NULL::uuid, NULL::uuid, NULL::bigint, NULL::bigint, v_charge;
              END LOOP;

              -- Each table once.
              IF cardinality(a_id) > 0 THEN
                -- By = ANY and the position in the arrays: an index scan whatever the plan's row estimates.
                UPDATE credit_accounts a SET balance = a_balance[array_position(a_id, a.id)],
                    held = a_held[array_position(a_id, a.id)], updated_at = now()
                 WHERE a.id = ANY(a_id)
                   AND (a.balance <> a_balance[array_position(a_id, a.id)] OR a.held <> a_held[array_position(a_id, a.id)]);
              END IF;
              IF cardinality(n_id) > 0 THEN
                INSERT INTO credit_reservations
                  (id, account_id, tenant_id, user_id, api_key_id, request_id, model, amount, status, expires_at, key_held)
                  SELECT u.id, u.account, u.tenant, u.usr, u.key, u.request, u.model, u.amount, 'pending',
                         now() + make_interval(secs => u.ttl), u.key_held
                    FROM unnest(n_id, n_account, n_tenant, n_user, n_key, n_request, n_model, n_amount, n_ttl, n_key_held)
                      AS u(id, account, tenant, usr, key, request, model, amount, ttl, key_held);
              END IF;
              IF cardinality(s_id) > 0 THEN
                UPDATE credit_reservations c SET status = s_status[array_position(s_id, c.id)],
                    charged = s_charged[array_position(s_id, c.id)], resolved_at = now()
                 WHERE c.id = ANY(s_id);
              END IF;
              IF cardinality(l_account) > 0 THEN
                INSERT INTO credit_ledger
                  (account_id, tenant_id, user_id, api_key_id, kind, amount, balance_after, request_id,
                   reservation_id, idempotency_key, actor_id, metadata)
                  SELECT u.account, u.tenant, u.usr, u.key, 'charge', u.amount, u.balance, u.request,
                         u.reservation, ${withCharge ? `COALESCE('charge:' || u.reservation, u.idem)` : `'charge:' || u.reservation`}, u.actor, u.meta
                    FROM unnest(l_account, l_tenant, l_user, l_key, l_amount, l_balance, l_request, l_reservation,
                                l_actor, l_meta${withCharge ? ', l_idem' : ''}) WITH ORDINALITY
                      AS u(account, tenant, usr, key, amount, balance, request, reservation, actor, meta${withCharge ? ', idem' : ''}, n)
                   ORDER BY u.n;
              END IF;
              IF cardinality(k_key) > 0 THEN
                INSERT INTO credit_key_spend AS s (api_key_id, tenant_id, spent)
                  SELECT u.key, u.tenant, u.charge FROM unnest(k_key, k_tenant, k_charge) AS u(key, tenant, charge)
                   WHERE u.charge > 0 ORDER BY u.key
                  ON CONFLICT (api_key_id) DO UPDATE SET spent = s.spent + EXCLUDED.spent, updated_at = now();
              END IF;
            END $$`;
}

// As CreditsAsyncReserve1795500000000 left it: each op through credits_reserve or credits_settle.
const applyEach = `${head}
            DECLARE
              v_op jsonb;
              v_index integer := 0;
              v_res record;
            BEGIN
              ${relax}
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
            END $$`;
