import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { USAGE_GROUPS } from '../repositories/usage.repository.js';

const GROUPS = Object.keys(USAGE_GROUPS);

export class UsageQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'From (inclusive); default 30 days before `to`.' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Until (exclusive); default now.' })
  @IsOptional()
  @IsISO8601()
  to?: string;

  @ApiPropertyOptional({
    example: 'day,model',
    default: 'day',
    description: `Comma-separated dimensions: ${GROUPS.join(', ')}. Empty: totals only.`,
  })
  @IsOptional()
  @IsString()
  @Matches(new RegExp(`^((${GROUPS.join('|')})(,(${GROUPS.join('|')}))*)?$`), {
    message: `group_by must be a comma-separated list of ${GROUPS.join(', ')}`,
  })
  group_by?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Admins: one user's usage." })
  @IsOptional()
  @IsUUID()
  user_id?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  api_key_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Platform admins: one tenant.' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({ example: 'gpt-4o-mini' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({ example: 'openai' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  provider?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, default: 1000, description: 'Most groups returned.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit = 1000;
}

export class UsageTotalsView {
  @ApiProperty({ example: 42 }) requests!: number;
  @ApiProperty({ example: 1, description: 'Calls that ended in an error or were aborted.' }) errors!: number;
  @ApiProperty({ example: '120000', description: 'A decimal string (sums can exceed 2^53).' })
  input_tokens!: string;
  @ApiProperty({ example: '30000' }) output_tokens!: string;
  @ApiProperty({ example: '5000' }) cached_input_tokens!: string;
  @ApiProperty({ example: '0.036', description: 'Credits charged, a decimal string.' }) cost!: string;
  @ApiProperty({ example: 812 }) avg_latency_ms!: number;
  @ApiProperty({ example: 640, description: 'Median latency of the calls, ms.' }) p50_latency_ms!: number;
  @ApiProperty({ example: 2100, description: '95th percentile latency, ms.' }) p95_latency_ms!: number;
  @ApiProperty({
    example: 230,
    nullable: true,
    type: Number,
    description: 'Mean time to first token of streamed calls, ms (null: none streamed).',
  })
  avg_ttft_ms!: number | null;
}

export class UsageGroupView extends UsageTotalsView {
  @ApiPropertyOptional({ example: '2025-06-01T13:00:00Z', description: 'UTC hour' }) hour?: string;
  @ApiPropertyOptional({ example: '2025-06-01', description: 'UTC day' }) day?: string;
  @ApiPropertyOptional({ example: 'gpt-4o-mini' }) model?: string;
  @ApiPropertyOptional({ example: 'openai' }) provider?: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) key?: string | null;
  @ApiPropertyOptional({ format: 'uuid' }) user?: string;
  @ApiPropertyOptional({ example: 'chat.completions' }) endpoint?: string;
  @ApiPropertyOptional({ enum: ['ok', 'error', 'aborted'] }) status?: string;
}

export class UsageView {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [String], example: ['day', 'model'] }) group_by!: string[];
  @ApiProperty({ type: [UsageGroupView] }) data!: UsageGroupView[];
  @ApiProperty({ type: UsageTotalsView }) totals!: UsageTotalsView;
  @ApiProperty({ description: 'More groups matched than `limit`; narrow the query.' }) truncated!: boolean;
}

export class UsageErrorsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'From (inclusive); default 7 days ago.' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Platform admins: one tenant's calls." })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 10;
}

export class UsageErrorView {
  @ApiProperty({ format: 'date-time' }) time!: string;
  @ApiProperty({ example: 'req_3f2a…' }) request_id!: string;
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) api_key_id!: string | null;
  @ApiProperty({ example: 'openai' }) provider!: string;
  @ApiProperty({ example: 'gpt-4o-mini' }) model!: string;
  @ApiProperty({ example: 'chat.completions' }) endpoint!: string;
  @ApiProperty({ enum: ['error', 'aborted'] }) status!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'rate_limit',
    description: 'How the failure was classified (auth, rate_limit, server, timeout, ...).',
  })
  error_class!: string | null;
  @ApiProperty({ example: 1200 }) latency_ms!: number;
}

export class UsageErrorsView {
  @ApiProperty({ type: [UsageErrorView] }) data!: UsageErrorView[];
}
