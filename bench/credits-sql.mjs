// Postgres's own CPU for the money path of one call: `credits_apply` reserving and settling N
// calls per batch (as the group-commit batcher sends batches of two or more; a lone reservation
// or settlement it sends to `credits_reserve` / `credits_settle` itself, so the batch of 1 here is
// credits_apply's lone path, not the gateway's), on a scratch database migrated by a build of this
// repository (or of another checkout: ROOT=/path/to/checkout, built).
//   node bench/credits-sql.mjs            # batches of 1, 8 and 32, 3 s each
//   BATCHES=1,4,16 SECONDS=5 node bench/credits-sql.mjs
// The CPU is the backend's, read from /proc/<pid>/stat (utime + stime) of the connection's own
// server process (pg_backend_pid()), so the client and other sessions stay out of it; the WAL
// writer's and checkpointer's share of the flushes is not in it. One user, one API key without a
// budget, metadata as the gateway writes it. Prints a markdown table; numbers vary by machine.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';

const ROOT = resolve(process.env.ROOT ?? join(import.meta.dirname, '..'));
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.SECONDS ?? 3);

function ticks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

const admin = new pg.Client({ connectionString: PG_URL });
await admin.connect();
const db = `sy_credits_sql_${randomBytes(4).toString('hex')}`;
await admin.query(`CREATE DATABASE ${db}`);
const url = Object.assign(new URL(PG_URL), { pathname: `/${db}` }).toString();
try {
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typeorm/cli.js'),
      'migration:run',
      '-d',
      join(ROOT, 'dist/apps/gateway/src/data-source.js'),
    ],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, stdio: 'ignore' },
  );
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const tenant = randomUUID();
  const user = randomUUID();
  const key = randomUUID();
  await c.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'bench', $2)`, [tenant, `bench-${tenant}`]);
  await c.query(`INSERT INTO users (id, tenant_id, email, role) VALUES ($1, $2, $3, 'member')`, [
    user,
    tenant,
    `${user}@bench`,
  ]);
  await c.query(
    `INSERT INTO api_keys (id, tenant_id, user_id, name, prefix, last4, key_hash) VALUES ($1, $2, $3, 'k', 'sk-sy-', 'abcd', $4)`,
    [key, tenant, user, randomBytes(16).toString('hex')],
  );
  const [{ account }] = (await c.query(`SELECT credits_user_account($1, $2, 0) AS account`, [tenant, user]))
    .rows;
  await c.query(
    `SELECT credits_post($1, 'grant', 1000000000000, 'bench-grant', NULL, 'bench', '{}'::jsonb, NULL)`,
    [account],
  );
  const [{ pid }] = (await c.query('SELECT pg_backend_pid() AS pid')).rows;
  const apply = async (ops) =>
    (await c.query('SELECT * FROM credits_apply($1::jsonb)', [JSON.stringify(ops)])).rows;
  const reserveOp = () => ({
    op: 'reserve',
    tenant,
    user,
    key,
    request: `req_${randomBytes(8).toString('hex')}`,
    amount: '2000',
    model: 'simulator/sim-gpt',
    signup: '0',
    ttl: 600,
  });
  const metadata = {
    provider: 'simulator',
    input_tokens: '12',
    output_tokens: '8',
    cached_input_tokens: '0',
  };
  /** One round: a batch of reservations, then their settlements (two statements, as the batcher sends them). */
  const round = async (batch) => {
    const r = await apply(Array.from({ length: batch }, reserveOp));
    const settle = (x) => ({
      op: 'settle',
      reservation: x.r_reservation,
      actual: '1500',
      metadata,
      outcome: 'settled',
    });
    await apply(r.map(settle));
  };
  const rows = [];
  for (const batch of (process.env.BATCHES ?? '1,8,32').split(',').map(Number)) {
    for (let i = 0; i < 20; i++) await round(batch); // warm-up
    const t0 = ticks(pid);
    const started = performance.now();
    let calls = 0;
    while (performance.now() - started < SECONDS * 1000) {
      await round(batch);
      calls += batch;
    }
    const wall = performance.now() - started;
    const cpuMs = (ticks(pid) - t0) * 10;
    rows.push({ batch, calls, cpuPerCall: cpuMs / calls, wallPerCall: wall / calls });
  }
  const ledger = (
    await c.query(`SELECT kind, count(*)::int AS n FROM credit_ledger GROUP BY kind ORDER BY kind`)
  ).rows;
  await c.end();
  console.log(`credits_apply reserve + settle, ${ROOT}`);
  console.log('');
  console.log('| calls per batch | calls | backend CPU per call ms | wall per call ms |');
  console.log('|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.batch} | ${r.calls} | ${r.cpuPerCall.toFixed(3)} | ${r.wallPerCall.toFixed(3)} |`);
  console.log('');
  console.log(`ledger rows by kind: ${ledger.map((l) => `${l.kind} ${l.n}`).join(', ')}`);
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.end();
}
