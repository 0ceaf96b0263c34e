export {
  ACTIVITY_ACTIONS,
  ACTOR_TYPES,
  ActivityActions,
  SYSTEM_ACTOR,
  actorOf,
  type ActivityAction,
  type ActivityActor,
  type ActivityEntry,
  type ActorSource,
  type ActorType,
} from './activity-action.js';
export { currentRequestContext } from './activity-context.js';
export { ActivityLogEntity } from './activity-log.entity.js';
export { ActivityLogModule, ACTIVITY_LOG_ENTITIES } from './activity-log.module.js';
export type { ActivityFilter, ActivityScope } from './activity-log.repository.js';
export { ActivityLogService, ACTIVITY_BATCH_SIZE, type ActivityReader } from './activity-log.service.js';
export { ActivityLogView } from './activity-log.dto.js';
export { isMasked, maskKey } from './mask-key.js';
