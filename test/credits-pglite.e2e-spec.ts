import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { InsufficientCreditsError } from '@switchyard/core';
import { CreditsService, UsageRecorder } from '@switchyard/credits';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loginAdmin, seedTenant } from './support/session.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

// Booting gateways and racing many requests take longer than jest's default 5 s on a loaded machine.
jest.setTimeout(60_000);

/**
 * The embedded database serves one connection: every money move must be a single statement that
 * never waits on a second one. The same flows as on Postgres, concurrently, plus crash recovery:
 * a reservation left pending by a process that stopped is released when the next one starts.
 */
describe('credits on the embedded database (PGlite)', () => {
  let gw: TestGateway;
  let dataDir: string;

  beforeAll(async () => {
    // Our own data dir, so it survives the restart below (a gateway deletes only the dirs it made).
    dataDir = mkdtempSync(join(tmpdir(), 'sy-credits-'));
    gw = await startTestGateway({ database: 'pglite', dataDir, env: { SIGNUP_CREDITS: '0.01' } });
  });

  afterAll(async () => {
    await gw?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reserves, settles and grants concurrently on one connection, and releases a dead process's reservations at the next start, and writes usage on shutdown", async () => {
    const adminToken = await loginAdmin(gw.url);
    const { member } = await seedTenant(gw.url, adminToken);
    const credits = gw.app.get(CreditsService);
    const reserve = (amount: bigint) =>
      credits.reserve({ tenantId: member.tenantId, userId: member.id, requestId: randomUUID(), amount });

    // Funded with the signup credits only (0.01) and one grant sent five times with one key.
    const key = randomUUID();
    const grants = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(gw.url)
          .post('/api/v1/credits/grants')
          .auth(adminToken, { type: 'bearer' })
          .set('Idempotency-Key', key)
          .send({ user_id: member.id, amount: '0.01', reason: 'top-up' }),
      ),
    );
    expect(new Set(grants.map((g) => g.status))).toEqual(new Set([201]));

    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, async () => credits.settle(await reserve(5_000n), 5_000n)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(4);
    expect(
      outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof InsufficientCreditsError),
    ).toHaveLength(16);

    await request(gw.url)
      .post('/api/v1/credits/grants')
      .auth(adminToken, { type: 'bearer' })
      .set('Idempotency-Key', randomUUID())
      .send({ user_id: member.id, amount: '1', reason: 'more' })
      .expect(201);
    await reserve(300_000n); // never settled: its process "dies"
    const balance = async (token: string) =>
      (await request(gw.url).get('/api/v1/credits/balance').auth(token, { type: 'bearer' }).expect(200)).body;
    expect(await balance(member.token)).toMatchObject({ balance: '0.7', reserved: '0.3' });

    // Recorded off the response path and not yet written: a graceful shutdown still writes it.
    gw.app.get(UsageRecorder).record({
      requestId: 'req-before-shutdown',
      tenantId: member.tenantId,
      userId: member.id,
      provider: 'simulator',
      model: 'sim-gpt',
      endpoint: 'chat.completions',
      inputTokens: 3,
      outputTokens: 4,
      cost: 20_000n,
      latencyMs: 12,
      status: 'ok',
    });
    await gw.close();
    gw = await startTestGateway({ database: 'pglite', dataDir, env: { SIGNUP_CREDITS: '0.01' } });
    const restartedAdmin = await loginAdmin(gw.url);
    const memberToken = (
      await request(gw.url)
        .post('/api/v1/auth/login')
        .send({ email: member.email, password: member.password })
    ).body.access_token as string;
    expect(await balance(memberToken)).toMatchObject({ balance: '1', reserved: '0' });
    const [row] = await gw.app
      .get(DataSource)
      .query(`SELECT COUNT(*)::int AS n FROM credit_reservations WHERE status = 'pending'`);
    expect(row.n).toBe(0);
    const usage = await gw.app
      .get(DataSource)
      .query(`SELECT request_id, cost::text AS cost FROM usage_records WHERE user_id = $1`, [member.id]);
    expect(usage).toEqual([{ request_id: 'req-before-shutdown', cost: '20000' }]);
    const report = await request(gw.url)
      .get('/api/v1/credits/verify')
      .auth(restartedAdmin, { type: 'bearer' })
      .expect(200);
    expect(report.body).toMatchObject({ ok: true, mismatches: [] });
  });
});
