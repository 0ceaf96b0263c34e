import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An operator's change to one catalog model: pricing, limits, or switching it off. */
@Entity({ name: 'model_overrides' })
export class ModelOverrideEntity {
  @PrimaryColumn({ type: 'text' })
  provider!: string;

  @PrimaryColumn({ type: 'text' })
  model!: string;

  /** Decimal strings of credits, as in the catalog (inputPerMTok, outputPerMTok, ...). */
  @Column({ type: 'jsonb', nullable: true })
  pricing!: Record<string, string> | null;

  @Column({ name: 'context_window', type: 'integer', nullable: true })
  contextWindow!: number | null;

  @Column({ name: 'max_output_tokens', type: 'integer', nullable: true })
  maxOutputTokens!: number | null;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  /** Marks the model free (true) or not (false); null keeps the catalog's mark. */
  @Column({ type: 'boolean', nullable: true })
  free!: boolean | null;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
