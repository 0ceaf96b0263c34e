import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { PageQueryDto } from '@switchyard/core';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ACTIVITY_ACTIONS, ACTOR_TYPES, type ActivityAction, type ActorType } from './activity-action.js';
import type { ActivityLogEntity } from './activity-log.entity.js';
import type { ActivityFilter } from './activity-log.repository.js';

const toList = ({ value }: { value: unknown }): unknown[] => {
  const items: unknown[] = (Array.isArray(value) ? (value as unknown[]) : [value]).flatMap((v: unknown) =>
    typeof v === 'string' ? v.split(',') : [v],
  );
  return items.map((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v)).filter((v) => v !== '');
};

/** `GET /activity-logs` query: filters and paging (`limit` and `offset`, which the CSV export ignores). */
export class ActivityLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'One action, or several comma-separated (or repeated).',
    enum: ACTIVITY_ACTIONS,
    isArray: true,
  })
  @IsOptional()
  @Transform(toList)
  @IsIn(ACTIVITY_ACTIONS, { each: true })
  action?: ActivityAction[];

  @ApiPropertyOptional({ example: 'openai' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  provider?: string;

  @ApiPropertyOptional({ description: 'An actor id (user or API key id) or label (email, key name).' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  actor?: string;

  @ApiPropertyOptional({ enum: ACTOR_TYPES })
  @IsOptional()
  @IsIn(ACTOR_TYPES)
  actor_type?: ActorType;

  @ApiPropertyOptional({ description: 'A provider key id from the vault, or env:<VARIABLE>.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  key_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  request_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Platform admins: one tenant only.' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'From this time (inclusive).' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO 8601 date-time' })
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Up to this time (exclusive).' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO 8601 date-time' })
  to?: Date;

  toFilter(): ActivityFilter {
    return {
      actions: this.action,
      provider: this.provider,
      actor: this.actor,
      actorType: this.actor_type,
      keyId: this.key_id,
      requestId: this.request_id,
      tenantId: this.tenant_id,
      from: this.from,
      to: this.to,
    };
  }
}

export class ActivityActorView {
  @ApiProperty({ enum: ACTOR_TYPES }) type!: ActorType;
  @ApiProperty({ nullable: true, type: String }) id!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'ops@example.com' }) label!: string | null;
}

export class ActivityLogView {
  @ApiProperty({ example: '1042' }) id!: string;
  @ApiProperty({ format: 'date-time' }) time!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) tenant_id!: string | null;
  @ApiProperty({ type: ActivityActorView }) actor!: ActivityActorView;
  @ApiProperty({ enum: ACTIVITY_ACTIONS }) action!: ActivityAction;
  @ApiProperty({ nullable: true, type: String, example: 'openai' }) provider!: string | null;
  @ApiProperty({ nullable: true, type: String }) key_id!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '…a1b2',
    description: 'The last four characters only.',
  })
  key_hint!: string | null;
  @ApiProperty() description!: string;
  @ApiProperty({ nullable: true, type: String }) request_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: Object }) metadata!: Record<string, unknown> | null;

  static from(e: ActivityLogEntity): ActivityLogView {
    return {
      id: e.id,
      time: e.occurredAt.toISOString(),
      tenant_id: e.tenantId,
      actor: { type: e.actorType, id: e.actorId, label: e.actorLabel },
      action: e.action,
      provider: e.provider,
      key_id: e.keyId,
      key_hint: e.keyHint,
      description: e.description,
      request_id: e.requestId,
      ip: e.ip,
      metadata: e.metadata,
    };
  }
}

export class ActivityLogPageView {
  @ApiProperty({ type: [ActivityLogView] }) data!: ActivityLogView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
