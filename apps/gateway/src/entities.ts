import { AUTH_ENTITIES } from '@switchyard/auth';
import { SettingEntity } from '@switchyard/core';

/** Every TypeORM entity of the gateway; shared by the app and the migration CLI. */
export const entities = [SettingEntity, ...AUTH_ENTITIES];
