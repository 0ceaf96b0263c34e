import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { initializeEmbeddedDirectory } from './embedded-initdb.js';

/**
 * Postgres settings on top of PGlite's own. PGlite allocates `shared_buffers` inside its
 * WebAssembly memory, which never shrinks: Postgres' default 128 MB held ~110 MB of the process
 * for good. One process on a small database reads through the OS page cache just as well.
 */
export const EMBEDDED_POSTGRES_SETTINGS = ['shared_buffers=8MB', 'max_connections=8'];

/**
 * The embedded database: PGlite (Postgres compiled to WASM) in this process, with its files under
 * `<dataDir>/pg`, served on a loopback port by PGlite's socket server so TypeORM reaches it through
 * the same `pg` driver as a real server. PGlite is one session, so the pool must hold one
 * connection (see docs/decisions/0002-embedded-database.md).
 */
export class EmbeddedPostgres {
  private db?: PGlite;
  private server?: PGLiteSocketServer;
  private lockFile?: string;

  constructor(private readonly dataDir: string) {}

  /** Starts PGlite and its socket server; returns a postgres:// URL for the `pg` driver. */
  async start(): Promise<string> {
    const dir = join(this.dataDir, 'pg');
    mkdirSync(dir, { recursive: true });
    this.claimDirectory(dir);
    if (!existsSync(join(dir, 'PG_VERSION'))) {
      const logger = new Logger('Database');
      await initializeEmbeddedDirectory(dir, (message) => logger.log(message));
    }
    // Loaded only when the embedded database is used: a gateway on DATABASE_URL never needs them.
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-socket'),
    ]);
    this.db = await PGlite.create(dir, {
      startParams: [...PGlite.defaultStartParams, ...EMBEDDED_POSTGRES_SETTINGS.flatMap((s) => ['-c', s])],
    });
    this.server = new PGLiteSocketServer({ db: this.db, host: '127.0.0.1', port: 0 });
    await this.server.start();
    const { port } = (this.server as unknown as { server: { address(): AddressInfo } }).server.address();
    return `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
    await this.db?.close();
    this.db = undefined;
    if (this.lockFile) rmSync(this.lockFile, { force: true });
    this.lockFile = undefined;
  }

  /** Two processes on one PGlite directory would corrupt it; refuse clearly instead. */
  private claimDirectory(dir: string): void {
    const lock = join(dir, 'switchyard.pid');
    try {
      const pid = Number(readFileSync(lock, 'utf8'));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `The embedded database in ${dir} is in use by process ${pid}. Stop it, or set DATA_DIR to another folder.`,
        );
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    writeFileSync(lock, String(process.pid));
    this.lockFile = lock;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
