import 'reflect-metadata';
import { databaseOptions, EmbeddedPostgres, loadConfig } from '@switchyard/core';
import { DataSource } from 'typeorm';
import { migrations } from '../../../migrations/index.js';
import { entities } from './entities.js';

/**
 * The data source the TypeORM CLI uses (`npm run migration:generate|run|revert`): the same
 * entities, migrations and options as the app, against DATABASE_URL or the embedded database.
 */
try {
  process.loadEnvFile('.env');
} catch {
  // no .env: the environment alone
}
const config = loadConfig(process.env);
const embedded = config.embeddedDatabase ? new EmbeddedPostgres(config.dataDir) : undefined;
const url = embedded ? await embedded.start() : config.database.url!;

export default new DataSource(
  databaseOptions({
    url,
    poolSize: 1,
    ssl: config.database.ssl,
    embedded: embedded !== undefined,
    entities,
    migrations,
  }),
);
