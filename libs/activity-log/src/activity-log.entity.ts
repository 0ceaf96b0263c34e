import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ACTIVITY_ACTIONS, ACTOR_TYPES, type ActivityAction, type ActorType } from './activity-action.js';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * One audit event. The table is append-only: a trigger (see the ActivityLog migration) refuses
 * UPDATE, DELETE and TRUNCATE, except the purge through `activity_log_purge()`. Partitioned by
 * month on occurred_at (decision 0019): retention drops whole months, and the primary key carries
 * the partition key.
 */
@Entity({ name: 'activity_logs' })
@Index('activity_logs_tenant_time_idx', ['tenantId', 'occurredAt'])
@Index('activity_logs_time_idx', ['occurredAt'])
@Check('activity_logs_actor_type_check', `actor_type IN (${list(ACTOR_TYPES)})`)
@Check('activity_logs_action_check', `action IN (${list(ACTIVITY_ACTIONS)})`)
export class ActivityLogEntity {
  /** Insertion order: entries of the same instant keep the order they were recorded in. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  /** The partition key. */
  @PrimaryColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** No foreign key: the trail outlives the tenants and users it mentions. */
  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId!: string | null;

  @Column({ name: 'actor_type', type: 'text' })
  actorType!: ActorType;

  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_label', type: 'text', nullable: true })
  actorLabel!: string | null;

  @Column({ type: 'text' })
  action!: ActivityAction;

  @Column({ type: 'text', nullable: true })
  provider!: string | null;

  @Column({ name: 'key_id', type: 'text', nullable: true })
  keyId!: string | null;

  /** `…abcd`: never more of a key than its last four characters. */
  @Column({ name: 'key_hint', type: 'text', nullable: true })
  keyHint!: string | null;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  metadata!: Record<string, unknown> | null;
}
