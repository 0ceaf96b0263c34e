import type { ValueTransformer } from 'typeorm';

/** bigint columns come back from `pg` as strings; money is bigint in code, never a float. */
export const bigintColumn: ValueTransformer = {
  to: (v: bigint | null | undefined) => (v === null || v === undefined ? v : v.toString()),
  from: (v: string | null) => (v === null ? null : BigInt(v)),
};
