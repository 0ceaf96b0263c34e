import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivityLogController } from './activity-log.controller.js';
import { ActivityLogEntity } from './activity-log.entity.js';
import { ActivityLogRepository } from './activity-log.repository.js';
import { ActivityLogService } from './activity-log.service.js';

export const ACTIVITY_LOG_ENTITIES = [ActivityLogEntity];

/**
 * The audit trail: a global module, so every feature (auth, key vault, credits, routing) can
 * record events without importing it. Import it after DatabaseModule: it flushes its buffer
 * during shutdown, before the database closes.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(ACTIVITY_LOG_ENTITIES)],
  controllers: [ActivityLogController],
  providers: [ActivityLogRepository, ActivityLogService],
  exports: [ActivityLogService],
})
export class ActivityLogModule {}
