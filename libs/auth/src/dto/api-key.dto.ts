import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { formatCredits, parseCredits } from '@switchyard/core';
import type { ApiKeyEntity } from '../entities/api-key.entity.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'backend service' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2027-01-01T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  expires_at?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['openai/gpt-4o-mini', 'anthropic/*'],
    description: 'Model ids the key may call (`provider/*` allows a whole provider). Omit for any model.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  allowed_models?: string[];

  @ApiPropertyOptional({ example: 120, description: 'Requests per minute.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rpm?: number;

  @ApiPropertyOptional({ example: 200000, description: 'Tokens per minute.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  tpm?: number;

  @ApiPropertyOptional({
    example: '25.5',
    description: 'Credits this key may spend in all (decimal string).',
  })
  @IsOptional()
  @Matches(/^\d{1,12}(\.\d{1,6})?$/, {
    message: 'credit_budget must be a decimal string with at most 6 decimals',
  })
  credit_budget?: string;

  @ApiPropertyOptional({
    example: 600,
    description:
      "Response cache: this key's chat calls are cached for this many seconds (capped by CACHE_MAX_TTL_SECONDS) without asking per request; a request's x-switchyard-cache header wins. See docs/cache.md.",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_592_000)
  cache_ttl_seconds?: number;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Admins: create the key for another user of the tenant.',
  })
  @IsOptional()
  @IsUUID()
  user_id?: string;

  creditBudgetMicros(): bigint | undefined {
    return this.credit_budget === undefined ? undefined : parseCredits(this.credit_budget);
  }
}

/** A key's name and limits; a field set to null removes that limit, an absent one is kept. */
export class UpdateApiKeyDto {
  @ApiPropertyOptional({ example: 'backend service' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsDateString()
  expires_at?: string | null;

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'null: any model.' })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  allowed_models?: string[] | null;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 120, description: 'Requests per minute.' })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rpm?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 200000, description: 'Tokens per minute.' })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  tpm?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '25.5', description: 'Credits in all.' })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @Matches(/^\d{1,12}(\.\d{1,6})?$/, {
    message: 'credit_budget must be a decimal string with at most 6 decimals',
  })
  credit_budget?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 600,
    description: 'Response-cache TTL of the chat calls (seconds); null: not cached unless a request asks.',
  })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_592_000)
  cache_ttl_seconds?: number | null;
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'backend service' }) name!: string;
  @ApiProperty({ example: 'sk-sy-Ab12…wxYz', description: 'Masked: prefix and last four characters.' })
  masked_key!: string;
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ type: [String], nullable: true }) allowed_models!: string[] | null;
  @ApiProperty({ nullable: true, type: Number }) rpm!: number | null;
  @ApiProperty({ nullable: true, type: Number }) tpm!: number | null;
  @ApiProperty({ nullable: true, type: String, example: '25.5' }) credit_budget!: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 600 }) cache_ttl_seconds!: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) expires_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) revoked_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_used_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) status!: 'active' | 'expired' | 'revoked';

  static from(k: ApiKeyEntity): ApiKeyView {
    return {
      id: k.id,
      name: k.name,
      masked_key: `${k.prefix}…${k.last4}`,
      user_id: k.userId,
      tenant_id: k.tenantId,
      allowed_models: k.allowedModels,
      rpm: k.rpm,
      tpm: k.tpm,
      credit_budget: k.creditBudget === null ? null : formatCredits(k.creditBudget),
      cache_ttl_seconds: k.cacheTtlSeconds ?? null,
      expires_at: k.expiresAt?.toISOString() ?? null,
      revoked_at: k.revokedAt?.toISOString() ?? null,
      last_used_at: k.lastUsedAt?.toISOString() ?? null,
      created_at: k.createdAt.toISOString(),
      status: k.revokedAt
        ? 'revoked'
        : k.expiresAt && k.expiresAt.getTime() <= Date.now()
          ? 'expired'
          : 'active',
    };
  }
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({ example: 'sk-sy-4Vb0…', description: 'The secret. Shown once: store it now.' })
  key!: string;

  static fromCreated(k: ApiKeyEntity, secret: string): CreatedApiKeyView {
    return { ...ApiKeyView.from(k), key: secret };
  }
}

export class ApiKeyPageView {
  @ApiProperty({ type: [ApiKeyView] }) data!: ApiKeyView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
