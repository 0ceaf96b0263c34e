import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

export interface DatabaseOptionsInput {
  url: string;
  poolSize: number;
  /** An unused pooled connection is closed after this long (0: never); 30 s when not given. */
  idleTimeoutSeconds?: number;
  ssl: boolean;
  embedded: boolean;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * TypeORM options for both the app and the migration CLI. The schema comes from migrations/
 * only: `synchronize` is off everywhere and migrations run explicitly at boot.
 */
export function databaseOptions(input: DatabaseOptionsInput): DataSourceOptions {
  return {
    type: 'postgres',
    url: input.url,
    ssl: input.ssl ? { rejectUnauthorized: false } : false,
    entities: input.entities,
    migrations: input.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into Postgres 13+ and PGlite; no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    logging: false,
    // PGlite serves one session; a larger pool would interleave transactions.
    extra: {
      max: input.embedded ? 1 : input.poolSize,
      // A connection closed while idle costs the next burst a new backend, whose first calls pay
      // for catalog look-ups and compiling the ledger functions (docs/performance.md, eleventh
      // session); the gateway keeps its few for DATABASE_IDLE_TIMEOUT_SECONDS (10 min). TCP
      // keep-alives stop a NAT or load balancer from dropping them meanwhile (some do after 4-6
      // idle minutes), and a connection is replaced after an hour (when next idle), so backends'
      // caches do not grow without end.
      idleTimeoutMillis: (input.idleTimeoutSeconds ?? 30) * 1000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 60_000,
      maxLifetimeSeconds: 3600,
      application_name: 'switchyard',
    },
  };
}
