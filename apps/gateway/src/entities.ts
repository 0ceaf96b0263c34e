import { ACTIVITY_LOG_ENTITIES } from '@switchyard/activity-log';
import { AUTH_ENTITIES } from '@switchyard/auth';
import { SettingEntity } from '@switchyard/core';
import { KEY_VAULT_ENTITIES } from '@switchyard/key-vault';
import { ROUTING_ENTITIES, RUNTIME_PROVIDER_ENTITIES } from '@switchyard/routing';
import { CREDITS_ENTITIES } from '@switchyard/credits';
import { FILES_ENTITIES } from '@switchyard/files';
import { RESPONSES_ENTITIES } from '@switchyard/responses';

/** Every TypeORM entity of the gateway; shared by the app and the migration CLI. */
export const entities = [
  SettingEntity,
  ...AUTH_ENTITIES,
  ...ACTIVITY_LOG_ENTITIES,
  ...KEY_VAULT_ENTITIES,
  ...CREDITS_ENTITIES,
  ...ROUTING_ENTITIES,
  ...RUNTIME_PROVIDER_ENTITIES,
  ...FILES_ENTITIES,
  ...RESPONSES_ENTITIES,
];
