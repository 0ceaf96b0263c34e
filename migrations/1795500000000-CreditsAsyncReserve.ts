import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A batch of credits_apply that only reserves commits without waiting for its WAL flush
 * (synchronous_commit off for that transaction). Its effects are visible to every other
 * transaction at once, so concurrent reservations still can never overdraw; only durability is
 * deferred, and any later synchronous commit (a settlement, a grant) flushes the WAL up to its
 * own record, which includes every reservation committed before it. So a reservation lost in a
 * Postgres crash had no settlement yet, its call had not been answered (answers wait for the
 * settlement), and losing it loses nothing: the balance it held comes back, as the sweeper would
 * have done. A batch with a settlement stays synchronous: a settlement is what makes an answer
 * paid for. Decision 0008.
 */
export class CreditsAsyncReserve1795500000000 implements MigrationInterface {
  name = 'CreditsAsyncReserve1795500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(applyFunction(true));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(applyFunction(false));
  }
}

/** credits_apply as CreditsBatch created it, with or without the asynchronous reserve-only commit. */
function applyFunction(asyncReserve: boolean): string {
  const relax = asyncReserve
    ? `IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_ops) o WHERE o.value->>'op' <> 'reserve') THEN
                PERFORM set_config('synchronous_commit', 'off', true);
              END IF;`
    : '';
  return `
            CREATE OR REPLACE FUNCTION credits_apply(p_ops jsonb)
            RETURNS TABLE (r_index integer, r_status text, r_reservation uuid, r_account uuid,
                           r_balance bigint, r_budget_remaining bigint, r_charged bigint)
            LANGUAGE plpgsql AS $$
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
            END $$
        `;
}
