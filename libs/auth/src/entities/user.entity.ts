import {
  Check,
  Column,
  JoinColumn,
  ManyToOne,
  type Relation,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from './tenant.entity.js';
import type { Role } from '../caller.js';

export type UserStatus = 'active' | 'invited' | 'disabled';

@Entity({ name: 'users' })
@Check('users_role_check', `role IN ('platform_admin', 'tenant_admin', 'member')`)
@Check('users_status_check', `status IN ('active', 'invited', 'disabled')`)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: Relation<TenantEntity>;

  /** Stored lower-cased; unique across the installation. */
  @Column({ type: 'text', unique: true })
  email!: string;

  @Column({ type: 'text', default: '' })
  name!: string;

  @Column({ type: 'text' })
  role!: Role;

  @Column({ type: 'text', default: 'active' })
  status!: UserStatus;

  /** argon2id; null until an invited user sets a password. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  /** Bumped on password change or disable: access tokens carrying an older value stop working. */
  @Column({ name: 'session_version', type: 'integer', default: 1 })
  sessionVersion!: number;

  @Column({ name: 'invite_token_hash', type: 'text', nullable: true })
  inviteTokenHash!: string | null;

  @Column({ name: 'invite_expires_at', type: 'timestamptz', nullable: true })
  inviteExpiresAt!: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
