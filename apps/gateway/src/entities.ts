import { AUTH_ENTITIES } from '@switchyard/auth';
import { SettingEntity } from '@switchyard/core';
import { CREDITS_ENTITIES } from '@switchyard/credits';

/** Every TypeORM entity of the gateway; shared by the app and the migration CLI. */
export const entities = [SettingEntity, ...AUTH_ENTITIES, ...CREDITS_ENTITIES];
