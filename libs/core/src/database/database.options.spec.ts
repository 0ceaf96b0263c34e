import { describe, expect, it } from '@jest/globals';
import { databaseOptions } from './database.options.js';

const base = {
  url: 'postgres://u@db/sy',
  poolSize: 10,
  ssl: false,
  embedded: false,
  entities: [],
  migrations: [],
};
const pool = (input: Partial<Parameters<typeof databaseOptions>[0]>) =>
  databaseOptions({ ...base, ...input }).extra as Record<string, unknown>;

describe('databaseOptions', () => {
  it("keeps idle connections for the gateway's setting, in pg-pool's milliseconds; 0 keeps them for good", () => {
    expect(pool({ idleTimeoutSeconds: 600 }).idleTimeoutMillis).toBe(600_000);
    expect(pool({ idleTimeoutSeconds: 0 }).idleTimeoutMillis).toBe(0);
    // One-off tools (migrations, vault rotation) give none.
    expect(pool({}).idleTimeoutMillis).toBe(30_000);
  });

  it('sends TCP keep-alives on idle connections and replaces a connection after an hour', () => {
    expect(pool({})).toMatchObject({
      keepAlive: true,
      keepAliveInitialDelayMillis: 60_000,
      maxLifetimeSeconds: 3600,
    });
  });

  it('uses one connection for the embedded database whatever the pool size', () => {
    expect(pool({ embedded: true, poolSize: 10 }).max).toBe(1);
    expect(pool({ poolSize: 7 }).max).toBe(7);
  });
});
