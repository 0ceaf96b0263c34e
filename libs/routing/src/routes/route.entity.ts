import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { KeyStrategy, RouteStrategyName, RouteStrategyParams, RouteTarget } from './route.types.js';

/** A named virtual model: a strategy over targets. Platform routes have no tenant. */
@Entity({ name: 'routes' })
@Index('routes_scope_name_idx', ['scopeKey', 'name'], { unique: true })
export class RouteEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId!: string | null;

  /** `platform`, or the tenant id: one unique name per scope. */
  @Column({ name: 'scope_key', type: 'text' })
  scopeKey!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text' })
  strategy!: RouteStrategyName;

  @Column({ name: 'key_strategy', type: 'text', default: 'ordered' })
  keyStrategy!: KeyStrategy;

  @Column({ name: 'stream_failover', type: 'boolean', default: true })
  streamFailover!: boolean;

  @Column({ type: 'jsonb' })
  targets!: RouteTarget[];

  /** mix, vote, chain: the models of each step; null for the other strategies. */
  @Column({ name: 'strategy_params', type: 'jsonb', nullable: true })
  strategyParams!: RouteStrategyParams | null;

  /** Response-cache TTL for chat calls through this route (docs/cache.md); null = not cached unless asked. */
  @Column({ name: 'cache_ttl_seconds', type: 'integer', nullable: true })
  cacheTtlSeconds!: number | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
