import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@switchyard/core';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { RouteEntity } from './route.entity.js';
import {
  KEY_STRATEGIES,
  ROUTE_STRATEGIES,
  type KeyStrategy,
  type RouteStrategyName,
  type RouteStrategyParams,
} from './route.types.js';

/** A route name: what callers send as `model`. No `/` (that is `provider/model`), no spaces. */
export const ROUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const MAX_TARGETS = 20;
const SCOPES = ['platform', 'tenant'] as const;

export class RouteTargetDto {
  @ApiProperty({
    example: 'openai/gpt-4o-mini',
    description: 'A model name that resolves (`provider/model`, id, alias).',
  })
  @IsString()
  @MaxLength(200)
  model!: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1_000_000,
    description: '`weighted`: relative share (default 1).',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  weight?: number;

  @ApiPropertyOptional({
    description: 'Request fields set for this target over the caller\'s, e.g. {"temperature": 0.2}.',
    example: { temperature: 0.2 },
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({
    minimum: 100,
    maximum: 600_000,
    description: 'Upstream timeout for this target, ms.',
  })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600_000)
  timeout_ms?: number;
}

/** mix, vote, chain: the model of each step (names as for targets). See docs/routing.md. */
export class RouteStrategyParamsDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['simulator/sim-gpt', 'simulator/sim-gpt-mini', 'simulator/sim-wrong'],
    description: 'vote: the models that answer in parallel (2-10).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  voters?: string[];

  @ApiPropertyOptional({ description: 'vote: the model that decides when there is no majority.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  judge?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, description: 'vote: answers needed (default 2).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  quorum?: number;

  @ApiPropertyOptional({ minimum: 100, maximum: 600_000, description: "vote: each voter's time budget, ms." })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600_000)
  budget_ms?: number;

  @ApiPropertyOptional({ description: 'mix: the model that reasons first.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reasoner?: string;

  @ApiPropertyOptional({ description: 'mix: the model that answers with the reasoning as context.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  answerer?: string;

  @ApiPropertyOptional({ description: 'chain: the model that drafts.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  draft?: string;

  @ApiPropertyOptional({ description: 'chain: the model that critiques the draft.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  critique?: string;

  @ApiPropertyOptional({ description: 'chain: the model that refines (default: the drafter).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refine?: string;
}

export class CreateRouteDto {
  @ApiProperty({ example: 'smart', description: 'What callers send as `model`.' })
  @IsString()
  @Matches(ROUTE_NAME, { message: 'name must be 1-100 letters, digits, ".", "_", ":" or "-" (no "/")' })
  name!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({ enum: ROUTE_STRATEGIES })
  @IsIn(ROUTE_STRATEGIES)
  strategy!: RouteStrategyName;

  @ApiPropertyOptional({
    type: [RouteTargetDto],
    minItems: 1,
    maxItems: MAX_TARGETS,
    description: 'Required, except for mix, vote and chain (their models are in `strategy_params`).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TARGETS)
  @ValidateNested({ each: true })
  @Type(() => RouteTargetDto)
  targets?: RouteTargetDto[];

  @ApiPropertyOptional({
    type: RouteStrategyParamsDto,
    description: 'mix, vote, chain: the model of each step (required for those, refused for others).',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RouteStrategyParamsDto)
  strategy_params?: RouteStrategyParamsDto;

  @ApiPropertyOptional({
    enum: KEY_STRATEGIES,
    default: 'ordered',
    description: 'How vault keys are spread.',
  })
  @IsOptional()
  @IsIn(KEY_STRATEGIES)
  key_strategy?: KeyStrategy;

  @ApiPropertyOptional({
    default: true,
    description: 'Finish a stream that breaks after its first byte on the next target.',
  })
  @IsOptional()
  @IsBoolean()
  stream_failover?: boolean;

  @ApiPropertyOptional({
    example: 600,
    description:
      'Response cache: chat calls through this route are cached for this many seconds (capped by CACHE_MAX_TTL_SECONDS) without asking per request; a request header wins. See docs/cache.md.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_592_000)
  cache_ttl_seconds?: number;

  @ApiPropertyOptional({
    enum: SCOPES,
    description: '`platform` (platform admins: every tenant) or `tenant`. Defaults by role.',
  })
  @IsOptional()
  @IsIn(SCOPES)
  scope?: (typeof SCOPES)[number];

  @ApiPropertyOptional({ format: 'uuid', description: 'Platform admins: the tenant of a `tenant` route.' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

export class UpdateRouteDto {
  @ApiPropertyOptional({ maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ enum: ROUTE_STRATEGIES })
  @IsOptional()
  @IsIn(ROUTE_STRATEGIES)
  strategy?: RouteStrategyName;

  @ApiPropertyOptional({ type: [RouteTargetDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TARGETS)
  @ValidateNested({ each: true })
  @Type(() => RouteTargetDto)
  targets?: RouteTargetDto[];

  @ApiPropertyOptional({ type: RouteStrategyParamsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RouteStrategyParamsDto)
  strategy_params?: RouteStrategyParamsDto;

  @ApiPropertyOptional({ enum: KEY_STRATEGIES })
  @IsOptional()
  @IsIn(KEY_STRATEGIES)
  key_strategy?: KeyStrategy;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  stream_failover?: boolean;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 600,
    description: 'Response-cache TTL of chat calls (seconds); null: not cached unless a request asks.',
  })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_592_000)
  cache_ttl_seconds?: number | null;
}

export class RouteListQueryDto extends PageQueryDto {}

export class RouteTargetView {
  @ApiProperty() model!: string;
  @ApiPropertyOptional() weight?: number;
  @ApiPropertyOptional() params?: Record<string, unknown>;
  @ApiPropertyOptional() timeout_ms?: number;
}

export class RouteView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SCOPES }) scope!: 'platform' | 'tenant';
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) tenant_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: ROUTE_STRATEGIES }) strategy!: RouteStrategyName;
  @ApiProperty({ enum: KEY_STRATEGIES }) key_strategy!: KeyStrategy;
  @ApiProperty() stream_failover!: boolean;
  @ApiProperty({ nullable: true, type: Number, example: 600 }) cache_ttl_seconds!: number | null;
  @ApiProperty({ type: [RouteTargetView] }) targets!: RouteTargetView[];
  @ApiProperty({ type: RouteStrategyParamsDto, nullable: true })
  strategy_params!: RouteStrategyParams | null;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;

  static from(r: RouteEntity): RouteView {
    return {
      id: r.id,
      name: r.name,
      scope: r.tenantId === null ? 'platform' : 'tenant',
      tenant_id: r.tenantId,
      description: r.description,
      strategy: r.strategy,
      key_strategy: r.keyStrategy,
      stream_failover: r.streamFailover,
      cache_ttl_seconds: r.cacheTtlSeconds ?? null,
      targets: r.targets.map((t) => ({
        model: t.model,
        ...(t.weight !== undefined ? { weight: t.weight } : {}),
        ...(t.params !== undefined ? { params: t.params } : {}),
        ...(t.timeoutMs !== undefined ? { timeout_ms: t.timeoutMs } : {}),
      })),
      strategy_params: r.strategyParams ?? null,
      created_at: r.createdAt.toISOString(),
      updated_at: r.updatedAt.toISOString(),
    };
  }
}

export class RoutePageView {
  @ApiProperty({ type: [RouteView] }) data!: RouteView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
