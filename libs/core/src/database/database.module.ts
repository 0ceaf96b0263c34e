import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { databaseOptions } from './database.options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { runMigrations } from './migrate.js';

const EMBEDDED = Symbol('EmbeddedPostgres');

export interface DatabaseModuleOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * Postgres through TypeORM: the server at DATABASE_URL, or the embedded PGlite when it is unset.
 * Migrations run at start on both, unless DATABASE_MIGRATE=false on a server (a separate job runs
 * them, as in deploy/k8s/).
 */
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(EMBEDDED) private readonly embedded: EmbeddedPostgres | null,
    private readonly dataSource: DataSource,
  ) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    // One instance shared by the TypeORM scope (which starts it) and this module (which stops it).
    let instance: EmbeddedPostgres | null | undefined;
    // Set by the options factory, read by the data source factory (which only sees TypeORM's options).
    let migrate = true;
    const embeddedProvider = {
      provide: EMBEDDED,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        (instance ??= config.embeddedDatabase ? new EmbeddedPostgres(config.dataDir) : null),
    };
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          extraProviders: [embeddedProvider],
          inject: [AppConfig, EMBEDDED],
          useFactory: async (config: AppConfig, embedded: EmbeddedPostgres | null) => {
            const url = embedded ? await embedded.start() : config.database.url!;
            // The embedded database has one process, so nothing else could migrate it.
            migrate = embedded !== null || config.database.migrate;
            return {
              ...databaseOptions({
                url,
                poolSize: config.database.poolSize,
                idleTimeoutSeconds: config.database.idleTimeoutSeconds,
                ssl: config.database.ssl,
                embedded: embedded !== null,
                entities: options.entities,
                migrations: options.migrations,
              }),
              // Never retry a failed boot silently: a wrong DATABASE_URL should fail fast and say so.
              retryAttempts: 0,
            };
          },
          dataSourceFactory: async (dsOptions) => {
            const dataSource = await new DataSource(dsOptions!).initialize();
            // With a single connection (PGlite, or a pool of one) the lock would hold the only
            // connection the migrations need; a single connection also means a single process.
            const poolSize = (dsOptions!.extra as { max?: number } | undefined)?.max ?? 10;
            if (migrate) await runMigrations(dataSource, { lock: poolSize > 1 });
            return dataSource;
          },
        }),
      ],
      providers: [embeddedProvider],
      exports: [EMBEDDED],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // The pool must close before the embedded server under it goes away.
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}
