import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SettingEntity } from './setting.entity.js';

/** Reads and writes installation-wide settings; ensures the installation id exists at boot. */
@Injectable()
export class SettingsService implements OnApplicationBootstrap {
  private installation?: { id: string; createdAt: string };

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SettingEntity)
      .values({ key: 'installation', value: { id: randomUUID(), createdAt: new Date().toISOString() } })
      .orIgnore()
      .execute();
    this.installation = (await this.get<{ id: string; createdAt: string }>('installation'))!;
  }

  /** The id of this installation: created on first start, kept across restarts. */
  get installationId(): string {
    if (!this.installation) throw new Error('settings not loaded yet');
    return this.installation.id;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.dataSource.getRepository(SettingEntity).findOneBy({ key });
    return row?.value as T | undefined;
  }

  /** Writes the value, replacing what the key held. */
  async set(key: string, value: unknown): Promise<void> {
    await this.dataSource.getRepository(SettingEntity).upsert({ key, value: value as object }, ['key']);
  }

  /** Removes the key; returns true when it existed. */
  async delete(key: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(SettingEntity).delete({ key });
    return (result.affected ?? 0) > 0;
  }

  /** Inserts the value only if the key is absent; returns true when this call wrote it. */
  async setIfAbsent(key: string, value: unknown): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SettingEntity)
      .values({ key, value: value as object })
      .orIgnore()
      .execute();
    return (result.raw as unknown[]).length > 0;
  }
}
