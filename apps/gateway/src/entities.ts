import { SettingEntity } from '@switchyard/core';

/** Every TypeORM entity of the gateway; shared by the app and the migration CLI. */
export const entities = [SettingEntity];
