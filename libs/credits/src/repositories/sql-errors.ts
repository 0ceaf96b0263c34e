/** The Postgres error behind a TypeORM QueryFailedError (or the pg error itself). */
export interface PgError {
  code?: string;
  detail?: string;
  constraint?: string;
}

export function pgErrorOf(err: unknown): PgError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const driver = (err as { driverError?: unknown }).driverError;
  const source = (typeof driver === 'object' && driver !== null ? driver : err) as PgError;
  return typeof source.code === 'string' ? source : undefined;
}

/** Raised by credits_reserve when an API key's budget cannot cover the reservation. */
export const KEY_BUDGET_SQLSTATE = 'SY402';
export const UNIQUE_VIOLATION = '23505';

/** JSON for jsonb parameters: bigints (token counts, costs) become decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? {}, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
