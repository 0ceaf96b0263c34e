import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppConfig, SettingsService } from '@switchyard/core';

const SECRET_SETTING = 'media_url_secret';
/** Image ids are random base64url: nothing else reaches the file system. */
const ID = /^img_[A-Za-z0-9_-]{22}$/;

/** A signed URL's query: when it stops working and the HMAC over id and expiry. */
export interface SignedQuery {
  expires: number;
  sig: string;
}

/**
 * Generated images kept by Switchyard (under FILES_DIR/images) and served from signed, expiring
 * URLs, so callers never see a provider URL. The HMAC key is generated once and kept in the
 * database settings, so every instance signs and checks alike and URLs survive a restart.
 */
@Injectable()
export class ImageStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ImageStore.name);
  private readonly dir: string;
  private secret?: Buffer;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {
    this.dir = join(config.media.filesDir, 'images');
  }

  onModuleInit(): void {
    // Images whose URLs have all expired are never served again: remove them hourly.
    this.sweeper = setInterval(() => void this.sweep(), 3_600_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** Deletes stored images older than the URL lifetime (plus a minute); returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    let removed = 0;
    try {
      const cutoff = now - (this.ttlSeconds + 60) * 1000;
      for (const name of await readdir(this.dir)) {
        if (!name.endsWith('.png')) continue;
        const path = join(this.dir, name);
        const info = await stat(path).catch(() => null);
        if (info && info.mtimeMs < cutoff) {
          await rm(path, { force: true });
          removed++;
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.logger.warn(`image sweep failed: ${String(error)}`);
    }
    return removed;
  }

  get ttlSeconds(): number {
    return this.config.media.imageUrlTtlSeconds;
  }

  /** Stores PNG bytes; returns the new image id. */
  async save(png: Buffer): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const id = `img_${randomBytes(16).toString('base64url')}`;
    const path = join(this.dir, `${id}.png`);
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, png);
    await rename(tmp, path);
    return id;
  }

  /** The signed query for an image id, valid for IMAGE_URL_TTL_SECONDS from now. */
  async sign(id: string, now = Date.now()): Promise<SignedQuery> {
    const expires = Math.floor(now / 1000) + this.ttlSeconds;
    return { expires, sig: this.mac(await this.key(), id, expires) };
  }

  /**
   * The image's bytes when the signature is good and not expired; `forbidden` for a bad or
   * expired signature, `missing` for an unknown id.
   */
  async open(id: string, expires: unknown, sig: unknown): Promise<Buffer | 'forbidden' | 'missing'> {
    if (!ID.test(id)) return 'missing';
    const exp = typeof expires === 'string' && /^\d{1,12}$/.test(expires) ? Number(expires) : NaN;
    if (!Number.isFinite(exp) || typeof sig !== 'string') return 'forbidden';
    const want = Buffer.from(this.mac(await this.key(), id, exp));
    const got = Buffer.from(sig);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return 'forbidden';
    if (exp * 1000 < Date.now()) return 'forbidden';
    try {
      return await readFile(join(this.dir, `${id}.png`));
    } catch {
      return 'missing';
    }
  }

  private mac(key: Buffer, id: string, expires: number): string {
    return createHmac('sha256', key).update(`${id}.${expires}`).digest('base64url');
  }

  private async key(): Promise<Buffer> {
    if (this.secret) return this.secret;
    await this.settings.setIfAbsent(SECRET_SETTING, randomBytes(32).toString('base64'));
    const stored = await this.settings.get<string>(SECRET_SETTING);
    if (!stored) throw new Error('media URL secret unavailable');
    this.secret = Buffer.from(stored, 'base64');
    return this.secret;
  }
}
