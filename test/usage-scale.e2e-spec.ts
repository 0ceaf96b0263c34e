import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { UsageRepository, UsageRetention } from '@switchyard/credits';
import pg from 'pg';
import request from 'supertest';
import { loginAdmin, seedTenant, seedUser, type SeededUser } from './support/session.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/**
 * SLOW (about a minute on 2 cores; it runs in `npm test`): issue 19 item 4's proof on the real
 * Postgres. Two million usage records over 120 days, loaded by generate_series in SQL, then the
 * console's 90-day usage queries through the API from the daily rollups (the 200 ms target is
 * not met yet: see the assertion), the rollups checked against the records, and retention
 * dropping the oldest month while another connection keeps inserting (never held up for long).
 */
jest.setTimeout(180_000);

const ROWS = 2_000_000;
const DAYS = 120;
const DAY_MS = 86_400_000;

describe('usage at scale (real Postgres, two million records)', () => {
  let gw: TestGateway;
  let db: pg.Client;
  let admin: SeededUser;
  let tenantId: string;
  const report: Record<string, unknown> = {};

  beforeAll(async () => {
    // Retention is driven below with an explicit clock; 100 days keeps the 90-day range whole.
    gw = await startTestGateway({ env: { USAGE_RETENTION_DAYS: '100' } });
    const token = await loginAdmin(gw.url);
    const seeded = await seedTenant(gw.url, token);
    tenantId = seeded.tenantId;
    admin = seeded.admin;
    const second = await seedUser(gw.url, token, tenantId, 'member');
    db = new pg.Client({ connectionString: gw.databaseUrl });
    await db.connect();

    const started = performance.now();
    // The months the rows fall in (an upgrade's migration does this for the rows it moves).
    await db.query(`SELECT monthly_partitions_ensure('usage_records', now() - interval '${DAYS + 1} days')`);
    // Half the calls are this tenant's (8 keys of 3 users, 6 models), half three other tenants'.
    await db.query(
      `INSERT INTO usage_records (request_id, tenant_id, user_id, api_key_id, provider, model, endpoint,
         input_tokens, output_tokens, cached_input_tokens, cost, latency_ms, ttft_ms, status, error_class, created_at)
       SELECT 'seed_' || i,
              CASE WHEN i % 2 = 0 THEN $1::uuid ELSE md5('tenant' || i % 3)::uuid END,
              ($2::uuid[])[1 + (i / 2) % 8 % 3],
              CASE WHEN i % 16 = 0 THEN NULL ELSE md5('key' || ((i / 2) % 8))::uuid END,
              (ARRAY['openai', 'anthropic', 'gemini'])[1 + (i * 7) % 6 / 2],
              (ARRAY['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'claude-haiku', 'gemini-pro', 'gemini-flash'])[1 + (i * 7) % 6],
              CASE WHEN i % 10 = 0 THEN 'embeddings' ELSE 'chat.completions' END,
              100 + i % 2000, i % 700, i % 3 * 50, 10 + i % 5000,
              (250 + 6000 * random() ^ 3)::int,
              CASE WHEN i % 3 = 0 THEN (50 + 400 * random())::int END,
              CASE WHEN i % 50 = 0 THEN 'error' WHEN i % 97 = 0 THEN 'aborted' ELSE 'ok' END,
              CASE WHEN i % 50 = 0 THEN 'rate_limit' END,
              now() - interval '${DAYS} days' * (i::float8 / ${ROWS})
         FROM generate_series(1, ${ROWS}) AS i`,
      [tenantId, [seeded.member.id, admin.id, second.id]],
    );
    report.seedMs = Math.round(performance.now() - started);
    const rebuild = performance.now();
    await gw.app
      .get(UsageRepository)
      .rebuildRollups(new Date(Date.now() - (DAYS + 1) * DAY_MS), new Date(Date.now() + DAY_MS));
    report.rollupBuildMs = Math.round(performance.now() - rebuild);
    await db.query('ANALYZE usage_records; ANALYZE usage_daily');
    const counts = await db.query<{ records: string; rollups: string }>(
      'SELECT (SELECT count(*) FROM usage_records) AS records, (SELECT count(*) FROM usage_daily) AS rollups',
    );
    report.records = Number(counts.rows[0]!.records);
    report.rollupRows = Number(counts.rows[0]!.rollups);
  });

  afterAll(async () => {
    // The measured numbers, for docs/operations.md.
    console.log(`usage at scale: ${JSON.stringify(report)}`);
    await db?.end();
    await gw?.close();
  });

  it('answers the 90-day usage queries of the console through the API from the rollups (target 200 ms)', async () => {
    expect(report.records).toBe(ROWS);
    const from = new Date(Date.now() - 90 * DAY_MS).toISOString();
    for (const groupBy of ['day', 'model', 'key', '']) {
      const times: number[] = [];
      let body: { totals: { requests: number }; data: unknown[] } | undefined;
      for (let run = 0; run < 5; run++) {
        const t = performance.now();
        const res = await request(gw.url)
          .get('/api/v1/usage')
          .query({ from, group_by: groupBy })
          .auth(admin.token, { type: 'bearer' })
          .expect(200);
        times.push(performance.now() - t);
        body = res.body as typeof body;
      }
      // About 90/120 of this tenant's million calls.
      expect(body!.totals.requests).toBeGreaterThan(740_000);
      expect(body!.totals.requests).toBeLessThan(760_000);
      const median = times.sort((a, b) => a - b)[2]!;
      report[`api90d_${groupBy || 'totals'}_ms`] = times.map((x) => Math.round(x));
      // The target is 200 ms. Measured on the shared 2-core machine (CI running): a median
      // of 282 ms for group_by=day; NOT met yet (docs/operations.md has the numbers and the next
      // steps). This bound only catches a fall back to reading every record (2-3 s).
      expect(median).toBeLessThan(1_000);
    }
  });

  it('gives the same answers from the rollups as from the records', async () => {
    const repo = gw.app.get(UsageRepository);
    const scope = { kind: 'tenant' as const, tenantId };
    // Seven days with partial days at both ends, so the edges come from the records.
    const filter = { from: new Date(Date.now() - 7.4 * DAY_MS), to: new Date(Date.now() - 0.3 * DAY_MS) };
    for (const groups of [['day', 'model'], ['key', 'status'], []] as const) {
      const raw = await repo.aggregate(scope, [...groups], filter, 10_000, 'raw');
      const rollup = await repo.aggregate(scope, [...groups], filter, 10_000, 'rollup');
      expect(rollup).toEqual(raw);
      expect(raw.totals.requests).toBeGreaterThan(50_000);
    }
  });

  it('drops the oldest month without holding up a concurrent insert for long', async () => {
    const before = await db.query<{ relname: string }>(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'usage_records'::regclass AND c.relname <> 'usage_records_default' ORDER BY 1`,
    );
    const oldest = before.rows[0]!.relname;
    const m = /_p(\d{4})(\d{2})$/.exec(oldest)!;
    const oldestEnd = Date.UTC(Number(m[1]), Number(m[2]), 1);
    const rowsInOldest = Number(
      (await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${oldest}"`)).rows[0]!.n,
    );
    expect(rowsInOldest).toBeGreaterThan(0);

    // Another connection inserts a call every few milliseconds while retention runs.
    const writer = new pg.Client({ connectionString: gw.databaseUrl });
    await writer.connect();
    const latencies: number[] = [];
    let writing = true;
    const inserts = (async () => {
      while (writing) {
        const t = performance.now();
        await writer.query(
          `INSERT INTO usage_records (request_id, tenant_id, user_id, provider, model, endpoint, input_tokens,
             output_tokens, cost, latency_ms, status) VALUES ('live', $1, $2, 'openai', 'gpt-4o', 'chat.completions', 1, 1, 1, 100, 'ok')`,
          [tenantId, admin.id],
        );
        latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    // The clock at which the oldest month is just past USAGE_RETENTION_DAYS (100).
    const started = performance.now();
    const dropped = await gw.app.get(UsageRetention).run(new Date(oldestEnd + 100 * DAY_MS + 1000));
    const retentionMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 100));
    writing = false;
    await inserts;
    await writer.end();

    expect(dropped.map((p) => p.name)).toEqual([oldest]);
    const after = await db.query<{ n: string; oldest_day: string | null }>(
      `SELECT (SELECT count(*) FROM usage_records WHERE created_at < $1) AS n,
              (SELECT min(day)::text FROM usage_daily) AS oldest_day`,
      [new Date(oldestEnd).toISOString()],
    );
    expect(Number(after.rows[0]!.n)).toBe(0);
    expect(after.rows[0]!.oldest_day! >= new Date(oldestEnd).toISOString().slice(0, 10)).toBe(true);
    const maxInsert = Math.max(...latencies);
    Object.assign(report, {
      droppedRows: rowsInOldest,
      detachMs: Math.round(dropped[0]!.detachMs * 10) / 10,
      dropMs: Math.round(dropped[0]!.dropMs * 10) / 10,
      retentionPassMs: Math.round(retentionMs),
      concurrentInserts: latencies.length,
      maxInsertMs: Math.round(maxInsert * 10) / 10,
    });
    expect(latencies.length).toBeGreaterThan(10);
    expect(dropped[0]!.detachMs).toBeLessThan(1_000);
    expect(maxInsert).toBeLessThan(1_000);
  });
});
