/** Runs one SQL statement and returns its rows (a TypeORM DataSource, a pg client...). */
export type QueryFn = (sql: string, params?: unknown[]) => Promise<unknown[]>;

export type MismatchCheck =
  'balance' | 'balance_after' | 'key_spend' | 'reservation_hold' | 'reservation_charge';

/** One broken invariant: what the ledger says (`expected`) against what is recorded (`actual`). */
export interface Mismatch {
  check: MismatchCheck;
  /** The account, `account#entry`, API key or reservation concerned. */
  subject: string;
  expected: bigint;
  actual: bigint;
}

export interface VerifyReport {
  ok: boolean;
  accounts: number;
  entries: number;
  apiKeys: number;
  reservations: number;
  mismatches: Mismatch[];
}

/** Mismatches reported at most (the count of accounts etc. is always complete). */
export const MAX_MISMATCHES = 1000;

// One statement, so every check sees the same snapshot even while requests keep settling.
const VERIFY_SQL = `
WITH sums AS (
  SELECT a.id, a.balance, COALESCE(SUM(l.amount), 0)::bigint AS ledger_sum
    FROM credit_accounts a LEFT JOIN credit_ledger l ON l.account_id = a.id
   GROUP BY a.id
), running AS (
  SELECT account_id, id, balance_after,
         SUM(amount) OVER (PARTITION BY account_id ORDER BY id)::bigint AS running
    FROM credit_ledger
), pending AS (
  SELECT account_id, api_key_id, amount, key_held FROM credit_reservations WHERE status = 'pending'
), holds AS (
  SELECT a.id, a.held, COALESCE(SUM(p.amount), 0)::bigint AS pending
    FROM credit_accounts a LEFT JOIN pending p ON p.account_id = a.id
   GROUP BY a.id
), key_ledger AS (
  -- What a key has spent: its charges (entries), plus what its calls in flight hold (for a key
  -- with a budget; a key without one counts charges only).
  SELECT api_key_id, SUM(spent)::bigint AS spent FROM (
    SELECT api_key_id, -amount AS spent FROM credit_ledger WHERE api_key_id IS NOT NULL
    UNION ALL
    SELECT api_key_id, amount FROM pending WHERE api_key_id IS NOT NULL AND key_held
  ) k GROUP BY api_key_id
), keys AS (
  SELECT COALESCE(s.api_key_id, k.api_key_id) AS api_key_id, COALESCE(s.spent, 0) AS recorded,
         COALESCE(k.spent, 0) AS expected
    FROM credit_key_spend s FULL JOIN key_ledger k ON k.api_key_id = s.api_key_id
), res AS (
  SELECT r.id, r.status, r.amount, COALESCE(r.charged, 0) AS charged,
         COALESCE(SUM(l.amount) FILTER (WHERE l.kind IN ('reservation', 'release')), 0)::bigint AS held,
         COALESCE(-SUM(l.amount) FILTER (WHERE l.kind = 'charge'), 0)::bigint AS charged_ledger
    FROM credit_reservations r LEFT JOIN credit_ledger l ON l.reservation_id = r.id
   GROUP BY r.id
), mismatches AS (
  SELECT 'balance' AS check_name, id::text AS subject, ledger_sum AS expected, balance AS actual
    FROM sums WHERE balance <> ledger_sum
  UNION ALL
  SELECT 'balance_after', account_id::text || '#' || id::text, running, balance_after
    FROM running WHERE running <> balance_after
  UNION ALL
  SELECT 'key_spend', api_key_id::text, expected, recorded FROM keys WHERE expected <> recorded
  UNION ALL
  -- A pending reservation holds its amount in the account's held, never in the ledger (the
  -- reservation and release entries of reservations made before holds net to zero).
  SELECT 'reservation_hold', id::text, 0, held FROM res WHERE held <> 0
  UNION ALL
  SELECT 'reservation_hold', id::text, pending, held FROM holds WHERE held <> pending
  UNION ALL
  SELECT 'reservation_charge', id::text, charged, charged_ledger FROM res WHERE charged <> charged_ledger
)
SELECT 'mismatch' AS row_kind, m.check_name, m.subject, m.expected::text, m.actual::text
  FROM (SELECT * FROM mismatches LIMIT ${MAX_MISMATCHES}) m
UNION ALL
SELECT 'totals', NULL, NULL,
       (SELECT COUNT(*) FROM credit_accounts)::text || ',' || (SELECT COUNT(*) FROM credit_ledger)::text,
       (SELECT COUNT(*) FROM keys)::text || ',' || (SELECT COUNT(*) FROM credit_reservations)::text
`;

interface VerifyRow {
  row_kind: 'mismatch' | 'totals';
  check_name: MismatchCheck | null;
  subject: string | null;
  expected: string;
  actual: string;
}

/**
 * Recomputes every balance from the ledger and checks every invariant the ledger promises:
 * balance == sum(entries) per account; each entry's balance_after is the running sum; each API
 * key's spend == minus the entries it made plus what its pending reservations hold (keys with a
 * budget); an account's
 * held == the sum of its pending reservations, and no reservation holds anything in the ledger;
 * a reservation's charge matches its charge entry.
 */
export async function verifyLedger(query: QueryFn): Promise<VerifyReport> {
  const rows = (await query(VERIFY_SQL)) as VerifyRow[];
  const report: VerifyReport = {
    ok: true,
    accounts: 0,
    entries: 0,
    apiKeys: 0,
    reservations: 0,
    mismatches: [],
  };
  for (const row of rows) {
    if (row.row_kind === 'totals') {
      const [accounts, entries] = row.expected.split(',').map(Number);
      const [apiKeys, reservations] = row.actual.split(',').map(Number);
      Object.assign(report, { accounts, entries, apiKeys, reservations });
    } else {
      report.mismatches.push({
        check: row.check_name!,
        subject: row.subject!,
        expected: BigInt(row.expected),
        actual: BigInt(row.actual),
      });
    }
  }
  report.ok = report.mismatches.length === 0;
  return report;
}
