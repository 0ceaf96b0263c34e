import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import { UsageRecorder, UsageRepository, UsageRetention } from '@switchyard/credits';
import { DataSource } from 'typeorm';
import { loginAdmin, seedTenant } from './support/session.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

jest.setTimeout(60_000);

const DAY_MS = 86_400_000;

/** Month partitions, daily rollups and retention on the embedded database (decision 0019). */
describe('usage partitions and rollups on PGlite', () => {
  let gw: TestGateway;
  let db: DataSource;
  let tenantId: string;
  let userId: string;

  beforeAll(async () => {
    gw = await startTestGateway({
      database: 'pglite',
      env: { USAGE_RETENTION_DAYS: '30', ACTIVITY_RETENTION_DAYS: '30' },
    });
    const token = await loginAdmin(gw.url);
    const seeded = await seedTenant(gw.url, token);
    tenantId = seeded.tenantId;
    userId = seeded.member.id;
    db = gw.app.get(DataSource);
  });

  afterAll(async () => {
    await gw?.close();
  });

  const partitions = async (table: string) =>
    (
      await db.query<Array<{ name: string }>>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = $1::regclass ORDER BY 1`,
        [table],
      )
    ).map((r) => r.name);

  it('creates this month and the next three at start, plus a default partition, for both tables', async () => {
    for (const table of ['usage_records', 'activity_logs']) {
      const names = await partitions(table);
      expect(names).toContain(`${table}_default`);
      expect(names.filter((n) => /_p\d{6}$/.test(n)).length).toBeGreaterThanOrEqual(4);
    }
  });

  it("keeps each record's time to the millisecond and its texts as they were", async () => {
    const recorder = gw.app.get(UsageRecorder);
    const second = Math.floor(Date.now() / 1000) * 1000 - 600_000;
    const records = [
      { requestId: 'q"1', model: 'we"ird\\model, {x}', at: new Date(second + 1) },
      { requestId: 'q\\2', model: 'NULL', at: new Date(second + 999) },
      { requestId: 'q 3', model: 'modèle 模型', at: new Date(second + 500) },
    ];
    for (const r of records)
      recorder.record({
        ...r,
        tenantId,
        userId,
        provider: 'simulator',
        endpoint: 'chat.completions',
        inputTokens: 1,
        outputTokens: 2,
        cost: 3n,
        latencyMs: 4,
        status: 'ok',
      });
    await recorder.flush();
    const rows = await db.query<Array<{ requestId: string; model: string; ms: string }>>(
      `SELECT request_id AS "requestId", model, round(extract(epoch FROM created_at) * 1000)::text AS ms
         FROM usage_records WHERE request_id = ANY($1) ORDER BY created_at`,
      [records.map((r) => r.requestId)],
    );
    expect(rows).toEqual(
      [records[0]!, records[2]!, records[1]!].map((r) => ({
        requestId: r.requestId,
        model: r.model,
        ms: String(r.at.getTime()),
      })),
    );
  });

  it('answers the same from rollups as from records, and retention drops whole months', async () => {
    const now = Date.now();
    // Two months back: the months exist (as after an upgrade), so the rows land in them.
    await db.query(`SELECT monthly_partitions_ensure('usage_records', now() - interval '70 days')`);
    const recorder = gw.app.get(UsageRecorder);
    for (let i = 0; i < 300; i++) {
      const day = i % 100;
      recorder.record({
        requestId: `p${i}`,
        tenantId,
        userId,
        apiKeyId: i % 3 === 0 ? undefined : '11111111-1111-4111-8111-111111111111',
        provider: 'simulator',
        model: i % 2 ? 'sim-gpt' : 'sim-claude',
        endpoint: 'chat.completions',
        inputTokens: i,
        outputTokens: 2 * i,
        cost: BigInt(i * 10),
        latencyMs: 50 + ((i * 37) % 900),
        ttftMs: i % 4 === 0 ? 20 + i : undefined,
        status: i % 11 === 0 ? 'error' : 'ok',
        at: new Date(now - (day / 100) * 65 * DAY_MS - (i % 7) * 60_000),
      });
      // Three batches: later ones merge their latency histograms into the rollup rows of the
      // first (the same days and dimensions, new and existing latency steps).
      if (i % 100 === 99) await recorder.flush();
    }
    // Each batch holds one call a day: a rollup row with two latency steps is a merge.
    const merged = await db.query<Array<{ steps: number }>>(
      'SELECT max(cardinality(latency_buckets)) AS steps FROM usage_daily WHERE tenant_id = $1',
      [tenantId],
    );
    expect(merged[0]!.steps).toBeGreaterThanOrEqual(2);
    const repo = gw.app.get(UsageRepository);
    const scope = { kind: 'tenant' as const, tenantId };
    const filter = { from: new Date(now - 66.5 * DAY_MS), to: new Date(now - 0.2 * DAY_MS) };
    for (const groups of [['day'], ['model', 'key'], []] as const) {
      const raw = await repo.aggregate(scope, [...groups], filter, 1000, 'raw');
      expect(await repo.aggregate(scope, [...groups], filter, 1000, 'rollup')).toEqual(raw);
      expect(raw.totals.requests).toBeGreaterThan(250);
    }

    const before = await partitions('usage_records');
    const oldest = before.find((n) => /_p\d{6}$/.test(n))!;
    const m = /_p(\d{4})(\d{2})$/.exec(oldest)!;
    const oldestEnd = Date.UTC(Number(m[1]), Number(m[2]), 1);
    const dropped = await gw.app.get(UsageRetention).run(new Date(oldestEnd + 30 * DAY_MS + 1000));
    expect(dropped.map((p) => p.name)).toEqual([oldest]);
    expect(await partitions('usage_records')).not.toContain(oldest);
    const left = await db.query<Array<{ records: string; rollups: string }>>(
      `SELECT (SELECT count(*) FROM usage_records WHERE created_at < $1) AS records,
              (SELECT count(*) FROM usage_daily WHERE day < $1::timestamptz::date) AS rollups`,
      [new Date(oldestEnd).toISOString()],
    );
    expect(left[0]).toEqual({ records: '0', rollups: '0' });
    // What is left still agrees.
    const raw = await repo.aggregate(scope, ['day'], filter, 1000, 'raw');
    expect(await repo.aggregate(scope, ['day'], filter, 1000, 'rollup')).toEqual(raw);
  });

  it('drops whole months of the activity log and purges old entries of the default partition', async () => {
    await db.query(`SELECT monthly_partitions_ensure('activity_logs', now() - interval '70 days')`);
    await db.query(
      `INSERT INTO activity_logs (occurred_at, actor_type, action, description)
       VALUES (now() - interval '400 days', 'system', 'TEST', 'ancient'),
              (now() - interval '65 days', 'system', 'TEST', 'old month'),
              (now() - interval '1 day', 'system', 'TEST', 'recent')`,
    );
    const oldest = (await partitions('activity_logs')).find((n) => /_p\d{6}$/.test(n))!;
    const m = /_p(\d{4})(\d{2})$/.exec(oldest)!;
    const oldestEnd = Date.UTC(Number(m[1]), Number(m[2]), 1);
    // 'ancient' sits in the default partition: purged row by row; the oldest month is dropped.
    expect(await gw.app.get(ActivityLogService).purgeExpired(new Date(oldestEnd + 30 * DAY_MS + 1000))).toBe(
      1,
    );
    expect(await partitions('activity_logs')).not.toContain(oldest);
    const rows = await db.query<Array<{ description: string }>>(
      `SELECT description FROM activity_logs WHERE action = 'TEST' ORDER BY occurred_at`,
    );
    expect(rows.map((r) => r.description)).toEqual(
      new Date(now65()) < new Date(oldestEnd) ? ['recent'] : ['old month', 'recent'],
    );
  });
});

function now65(): number {
  return Date.now() - 65 * DAY_MS;
}
