import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '@switchyard/core';
import { KEY_STATUSES, OWNER_TYPES, type OwnerType, type ProviderKeyEntity } from './provider-key.entity.js';

const HTTP_URL = /^https?:\/\/[^\s]+$/;

export class CreateProviderKeyDto {
  @ApiProperty({ example: 'openai', description: 'A provider id from the catalog (GET /api/v1/models).' })
  @IsString()
  @MaxLength(100)
  provider!: string;

  @ApiProperty({
    example: 'sk-proj-…',
    description: 'The provider key. Stored encrypted; only its last four characters are ever shown.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  key!: string;

  @ApiPropertyOptional({ example: 'team budget key' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({
    example: 'https://my-proxy.example.com/v1',
    description: "Admins: call this URL instead of the provider's (a proxy, an Azure resource).",
  })
  @IsOptional()
  @Matches(HTTP_URL, { message: 'base_url must be an http(s) URL' })
  @MaxLength(2000)
  base_url?: string;

  @ApiPropertyOptional({
    enum: OWNER_TYPES,
    description:
      "Whose pool: `platform` (platform admins; every tenant's calls), `tenant` (tenant admins), `user` (yours). " +
      'Defaults by role: platform, tenant, user.',
  })
  @IsOptional()
  @IsIn(OWNER_TYPES)
  owner?: OwnerType;

  @ApiPropertyOptional({ format: 'uuid', description: 'Platform admins: the tenant of a `tenant` key.' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

export class UpdateProviderKeyDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ nullable: true, description: 'Admins; null removes the override.' })
  @IsOptional()
  @Matches(HTTP_URL, { message: 'base_url must be an http(s) URL' })
  @MaxLength(2000)
  base_url?: string | null;

  @ApiPropertyOptional({
    description:
      'false disables the key; true re-enables it (clearing an invalid mark, a cooldown and failure counts).',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ProviderKeyListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'openai' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  provider?: string;

  @ApiPropertyOptional({ enum: OWNER_TYPES })
  @IsOptional()
  @IsIn(OWNER_TYPES)
  owner?: OwnerType;
}

export const DISPLAY_STATUSES = [
  'active',
  'cooling_down',
  ...KEY_STATUSES.filter((s) => s !== 'active'),
] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

export class ProviderKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'openai' }) provider!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: OWNER_TYPES }) owner!: OwnerType;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) tenant_id!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) user_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) base_url!: string | null;
  @ApiProperty({ example: '…a1b2', description: 'The last four characters; the key itself is never shown.' })
  key_hint!: string;
  @ApiProperty({ enum: DISPLAY_STATUSES }) status!: DisplayStatus;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) cooldown_until!: string | null;
  @ApiProperty() selected!: boolean;
  @ApiProperty({ description: 'Failures since the last success.' }) failure_count!: number;
  @ApiProperty() total_failures!: number;
  @ApiProperty({ nullable: true, type: String, example: 'rate_limit' }) last_error!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_failure_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_used_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;

  /** `coolingUntil`: the live cooldown (shared store), which may be newer than the row. */
  static from(k: ProviderKeyEntity, coolingUntil?: number): ProviderKeyView {
    const rowUntil =
      k.cooldownUntil && k.cooldownUntil.getTime() > Date.now() ? k.cooldownUntil.getTime() : undefined;
    const until = coolingUntil ?? rowUntil;
    return {
      id: k.id,
      provider: k.provider,
      name: k.name,
      owner: k.ownerType,
      tenant_id: k.tenantId,
      user_id: k.userId,
      base_url: k.baseUrl,
      key_hint: `…${k.last4}`,
      status: k.status === 'active' && until !== undefined ? 'cooling_down' : k.status,
      cooldown_until: k.status === 'active' && until !== undefined ? new Date(until).toISOString() : null,
      selected: k.selected,
      failure_count: k.failureCount,
      total_failures: k.totalFailures,
      last_error: k.lastError,
      last_failure_at: k.lastFailureAt?.toISOString() ?? null,
      last_used_at: k.lastUsedAt?.toISOString() ?? null,
      created_at: k.createdAt.toISOString(),
    };
  }
}

export class ProviderKeyTestView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Whether the provider accepted the key.' }) ok!: boolean;
  @ApiProperty() latency_ms!: number;
  @ApiProperty({ enum: DISPLAY_STATUSES, description: 'The key status after the test.' })
  status!: DisplayStatus;
  @ApiPropertyOptional({
    description: 'Why the call failed: kind (auth, rate_limit, ...), message, upstream status.',
  })
  error?: { kind: string; message: string; upstream_status: number | null };
}

export class ImportKeyItemDto {
  @ApiPropertyOptional({ example: 'openai' })
  @IsOptional()
  @IsString()
  provider?: string;

  @ApiProperty()
  @IsString()
  key!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  base_url?: string;
}

export const IMPORT_FORMATS = ['auto', 'json', 'csv', 'lines'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export class ImportProviderKeysDto {
  @ApiPropertyOptional({
    example: 'openai',
    description: 'The provider of every row that does not name its own.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  provider?: string;

  @ApiPropertyOptional({
    description:
      'The file as text: a JSON array (of keys, or of {provider, key, name, base_url}), CSV with a header row ' +
      '(columns key, provider, name, base_url), or one key per line.',
    example: 'provider,key,name\nopenai,sk-…,main\n',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1_000_000)
  content?: string;

  @ApiPropertyOptional({ type: [ImportKeyItemDto], description: 'Rows as JSON, instead of content.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => ImportKeyItemDto)
  keys?: ImportKeyItemDto[];

  @ApiPropertyOptional({ enum: IMPORT_FORMATS, default: 'auto' })
  @IsOptional()
  @IsIn(IMPORT_FORMATS)
  format?: ImportFormat;

  @ApiPropertyOptional({
    enum: OWNER_TYPES,
    description: 'Whose pool every key goes to (as for a single key).',
  })
  @IsOptional()
  @IsIn(OWNER_TYPES)
  owner?: OwnerType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({ default: false, description: 'Check and report, add nothing.' })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;
}

export const IMPORT_OUTCOMES = ['added', 'skipped', 'rejected'] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

export class ImportLineView {
  @ApiProperty({ description: 'The line of the file (JSON: the item number), from 1.' }) line!: number;
  @ApiProperty({ enum: IMPORT_OUTCOMES }) status!: ImportOutcome;
  @ApiPropertyOptional({ example: 'duplicate' }) reason?: string;
  @ApiPropertyOptional() provider?: string;
  @ApiPropertyOptional({ example: '…a1b2' }) key_hint?: string;
  @ApiPropertyOptional({ format: 'uuid' }) id?: string;
}

export class ImportResultView {
  @ApiProperty() added!: number;
  @ApiProperty() skipped!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty() dry_run!: boolean;
  @ApiProperty({ type: [ImportLineView] }) lines!: ImportLineView[];
}

export class ProviderKeyPageView {
  @ApiProperty({ type: [ProviderKeyView] }) data!: ProviderKeyView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
