import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type TenantStatus = 'active' | 'disabled';

@Entity({ name: 'tenants' })
@Check('tenants_status_check', `status IN ('active', 'disabled')`)
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', unique: true })
  slug!: string;

  @Column({ type: 'text', default: 'active' })
  status!: TenantStatus;

  /** Requests per minute for the tenant's users and keys that set none themselves. */
  @Column({ name: 'default_rpm', type: 'integer', nullable: true })
  defaultRpm!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
