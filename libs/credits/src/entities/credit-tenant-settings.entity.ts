import { TenantEntity } from '@switchyard/auth';
import {
  Check,
  Column,
  Entity,
  JoinColumn,
  OneToOne,
  PrimaryColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';

/** Per-tenant credit terms. A tenant without a row pays list prices (markup 1). */
@Entity({ name: 'credit_tenant_settings' })
@Check('credit_tenant_settings_markup_check', `markup > 0`)
export class CreditTenantSettingsEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @OneToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: Relation<TenantEntity>;

  /** Multiplier on list prices, exact decimal (e.g. 1.2 = 20 % on top). */
  @Column({ type: 'numeric', precision: 12, scale: 6, default: 1 })
  markup!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
