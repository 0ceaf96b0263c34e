import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { formatCredits, PageQueryDto } from '@switchyard/core';
import { LEDGER_KINDS, type LedgerKind } from '../entities/credit-ledger-entry.entity.js';
import type { LedgerEntryRow } from '../repositories/accounts.repository.js';

const toBool = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/** A decimal string of credits, at most 6 decimals (micro-credits), optionally negative. */
const CREDITS = /^-?\d{1,12}(\.\d{1,6})?$/;

export class BalanceQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "Admins: another user's balance (in your tenant; any tenant for platform admins).",
  })
  @IsOptional()
  @IsUUID()
  user_id?: string;
}

export class TenantPoolView {
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ example: '250', description: 'Credits in the tenant pool, a decimal string.' })
  balance!: string;
}

export class ApiKeyBudgetView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String, example: '10', description: 'null = no key budget.' })
  credit_budget!: string | null;
  @ApiProperty({ example: '1.25', description: 'Charged plus currently reserved by this key.' })
  spent!: string;
  @ApiProperty({ nullable: true, type: String, example: '8.75' }) remaining!: string | null;
}

export class BalanceView {
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ example: '12.5', description: 'Credits available now (a decimal string).' })
  balance!: string;
  @ApiProperty({
    example: '0.02',
    description:
      'Credits held by requests in flight (already out of balance): their worst case. A non-streaming call ' +
      'with ample headroom holds nothing and is charged when its answer is in, so it does not show here.',
  })
  reserved!: string;
  @ApiPropertyOptional({ type: TenantPoolView, description: 'Tenant and platform admins: the tenant pool.' })
  tenant_pool?: TenantPoolView;
  @ApiPropertyOptional({ type: ApiKeyBudgetView, description: 'When called with an API key: its budget.' })
  api_key?: ApiKeyBudgetView;
}

export class LedgerQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: LEDGER_KINDS })
  @IsOptional()
  @IsIn(LEDGER_KINDS)
  kind?: LedgerKind;

  @ApiPropertyOptional({ format: 'uuid', description: "Admins: one user's entries." })
  @IsOptional()
  @IsUUID()
  user_id?: string;

  @ApiPropertyOptional({ description: "Admins: only the tenant pool's entries." })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  tenant_pool?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Platform admins: one tenant.' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({ example: 'req_3f2a...' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  request_id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'From this time (inclusive).' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Until this time (exclusive).' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class LedgerEntryView {
  @ApiProperty({ example: '1042', description: 'Increasing per account in the order the balance changed.' })
  id!: string;
  @ApiProperty({ format: 'uuid' }) account_id!: string;
  @ApiProperty({ enum: ['user', 'tenant_pool'] }) account_kind!: 'user' | 'tenant_pool';
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) user_id!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) api_key_id!: string | null;
  @ApiProperty({ enum: LEDGER_KINDS }) kind!: LedgerKind;
  @ApiProperty({ example: '-0.00045', description: 'Signed credits: positive adds to the balance.' })
  amount!: string;
  @ApiProperty({ example: '12.49955' }) balance_after!: string;
  @ApiProperty({ nullable: true, type: String }) request_id!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) reservation_id!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Who caused it; null = the system.',
  })
  actor_id!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Welcome credits' }) reason!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { model: 'openai/gpt-4o-mini' } })
  metadata!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) created_at!: string;

  static from(e: LedgerEntryRow): LedgerEntryView {
    return {
      id: e.id,
      account_id: e.accountId,
      account_kind: e.accountKind,
      tenant_id: e.tenantId,
      user_id: e.userId,
      api_key_id: e.apiKeyId,
      kind: e.kind,
      amount: formatCredits(e.amount),
      balance_after: formatCredits(e.balanceAfter),
      request_id: e.requestId,
      reservation_id: e.reservationId,
      actor_id: e.actorId,
      reason: e.reason,
      metadata: e.metadata,
      created_at: e.createdAt.toISOString(),
    };
  }
}

export class LedgerPageView {
  @ApiProperty({ type: [LedgerEntryView] }) data!: LedgerEntryView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export const GRANT_KINDS = ['grant', 'purchase', 'refund', 'adjustment'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

export class CreateGrantDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The user to credit. Give this or tenant_pool.' })
  @IsOptional()
  @IsUUID()
  user_id?: string;

  @ApiPropertyOptional({ description: 'Credit the tenant pool instead of a user.', example: false })
  @IsOptional()
  @IsBoolean()
  tenant_pool?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Platform admins: whose tenant pool (default: your own tenant's).",
  })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiProperty({
    example: '25',
    description:
      'Credits as a decimal string, at most 6 decimals. Positive; only an adjustment may be negative.',
  })
  @IsString()
  @Matches(CREDITS, {
    message: 'amount must be a decimal string of credits with at most 6 decimals, e.g. "12.5"',
  })
  amount!: string;

  @ApiProperty({ example: 'Welcome credits', maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;

  @ApiPropertyOptional({
    enum: GRANT_KINDS,
    default: 'grant',
    description: 'Platform admins may also record a purchase, a refund or an adjustment.',
  })
  @IsOptional()
  @IsIn(GRANT_KINDS)
  kind?: GrantKind;
}

export class CreateTransferDto {
  @ApiProperty({ format: 'uuid', description: "The user to fund from their tenant's pool." })
  @IsUUID()
  user_id!: string;

  @ApiProperty({ example: '10', description: 'Credits as a positive decimal string, at most 6 decimals.' })
  @IsString()
  @Matches(CREDITS, {
    message: 'amount must be a decimal string of credits with at most 6 decimals, e.g. "12.5"',
  })
  amount!: string;

  @ApiProperty({ example: 'Monthly allowance', maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class TransferView {
  @ApiProperty({ type: LedgerEntryView, description: 'The debit on the tenant pool.' })
  from!: LedgerEntryView;
  @ApiProperty({ type: LedgerEntryView, description: "The credit on the user's account." })
  to!: LedgerEntryView;
}

export class MarkupQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Platform admins: another tenant (default: your own).',
  })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

export class SetMarkupDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tenant_id!: string;

  @ApiProperty({
    example: '1.2',
    description: 'Multiplier on list prices: a positive decimal, at most 6 decimals.',
  })
  @IsString()
  @Matches(/^\d{1,6}(\.\d{1,6})?$/, { message: 'markup must be a positive decimal string, e.g. "1.2"' })
  markup!: string;
}

export class MarkupView {
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ example: '1.2' }) markup!: string;
}

export class MismatchView {
  @ApiProperty({ enum: ['balance', 'balance_after', 'key_spend', 'reservation_hold', 'reservation_charge'] })
  check!: string;
  @ApiProperty({ description: 'The account, account#entry, API key or reservation concerned.' })
  subject!: string;
  @ApiProperty({ example: '12.5', description: 'What the ledger says.' }) expected!: string;
  @ApiProperty({ example: '12.4', description: 'What is recorded.' }) actual!: string;
}

export class VerifyView {
  @ApiProperty({ description: 'True when every balance equals the sum of its entries, and the rest holds.' })
  ok!: boolean;
  @ApiProperty() accounts!: number;
  @ApiProperty() entries!: number;
  @ApiProperty() api_keys!: number;
  @ApiProperty() reservations!: number;
  @ApiProperty({ type: [MismatchView] }) mismatches!: MismatchView[];
}
