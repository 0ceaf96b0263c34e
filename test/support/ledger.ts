import { expect, jest } from '@jest/globals';
import type { Pool } from 'pg';
import request from 'supertest';

const LEDGER = / FROM credits_(charge|settle|reserve|apply)\(/;

/**
 * Every ledger statement (credits_charge, credits_settle, credits_reserve, credits_apply) the pool is asked to run,
 * with its name (undefined: unnamed, decision 0046), while the spy is on; every query still goes
 * through to the pool.
 */
export function spyLedger(pool: Pool): { sent: Array<{ name?: string; text: string }>; restore: () => void } {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const sent: Array<{ name?: string; text: string }> = [];
  const spy = jest.spyOn(pool, 'query').mockImplementation((...args: unknown[]) => {
    // A text, or a named statement (a pg Query with its name).
    const first = args[0] as string | { name?: string; text?: string } | undefined;
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    if (LEDGER.test(text)) sent.push({ name: typeof first === 'string' ? undefined : first?.name, text });
    return query(...args);
  });
  return { sent, restore: () => spy.mockRestore() };
}

/** `GET /api/v1/credits/verify` as an admin: every balance equals the sum of its ledger entries. */
export async function expectLedgerVerified(gatewayUrl: string, adminToken: string): Promise<void> {
  const verify = await request(gatewayUrl)
    .get('/api/v1/credits/verify')
    .auth(adminToken, { type: 'bearer' })
    .expect(200);
  expect({ ok: verify.body.ok, mismatches: verify.body.mismatches }).toEqual({ ok: true, mismatches: [] });
}
