import { ApiKeyEntity } from '@switchyard/auth';
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
import { bigintColumn } from './bigint.transformer.js';

/**
 * What one Switchyard API key has spent (charged plus currently reserved), checked against
 * `api_keys.credit_budget` in the same statement that reserves. Always equals minus the sum of
 * the ledger entries carrying the key (checked by credits:verify).
 */
@Entity({ name: 'credit_key_spend' })
@Check('credit_key_spend_spent_check', `spent >= 0`)
export class CreditKeySpendEntity {
  @PrimaryColumn({ name: 'api_key_id', type: 'uuid' })
  apiKeyId!: string;

  @OneToOne(() => ApiKeyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'api_key_id' })
  apiKey?: Relation<ApiKeyEntity>;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'bigint', default: 0, transformer: bigintColumn })
  spent!: bigint;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
