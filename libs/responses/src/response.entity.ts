import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { InternalMessage, ResponseObject } from './responses.types.js';

/**
 * A stored Response (`store` true, the default): what `GET /v1/responses/{id}` returns, its input
 * items, and the conversation to replay when a later request names it as `previous_response_id`.
 * Owned by one user of one tenant; kept RESPONSES_RETENTION_DAYS.
 */
@Entity({ name: 'responses' })
@Index('responses_created_idx', ['createdAt'])
export class ResponseEntity {
  /** `resp_` and 48 hex characters. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'responses_pkey' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** completed, incomplete or failed. */
  @Column({ type: 'text' })
  status!: string;

  /** The Response object as returned. */
  @Column({ type: 'jsonb' })
  response!: ResponseObject;

  /** This request's input items (with ids), for `/input_items`. */
  @Column({ name: 'input_items', type: 'jsonb' })
  inputItems!: Array<Record<string, unknown>>;

  /**
   * The whole conversation as internal messages (earlier turns, this input, this output), without
   * instructions: a continuation reads this one row, whatever the provider.
   */
  @Column({ type: 'jsonb' })
  messages!: InternalMessage[];

  /**
   * The size of `messages` as JSON, in bytes: a continuation checks it before it loads them
   * (a conversation may hold no more than one request could carry, MAX_BODY_BYTES). Null on rows
   * stored before it existed: those are measured from their jsonb.
   */
  @Column({ name: 'messages_bytes', type: 'integer', nullable: true })
  messagesBytes!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export const RESPONSES_ENTITIES = [ResponseEntity];
