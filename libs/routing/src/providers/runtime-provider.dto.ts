import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@switchyard/core';
import { CAPABILITIES, RUNTIME_FORMATS, type Capability, type RuntimeFormat } from '@switchyard/providers';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

const HTTP_URL = /^https?:\/\/[^\s]+$/;
/** As the catalog files: credits with at most six decimals, so they convert exactly to micro-credits. */
const DECIMAL = /^\d{1,9}(\.\d{1,6})?$/;
const DECIMAL_MESSAGE = 'must be a decimal string of credits with at most 6 decimals, e.g. "0.15"';
const MODEL_ID = /^[^\s/][^\s]*$/;

export const MAX_RUNTIME_MODELS = 1000;

/** Prices as the catalog states them (same field names): decimal strings of credits. */
export class RuntimePricingDto {
  @ApiProperty({ example: '0.15', description: 'Credits per million input tokens.' })
  @Matches(DECIMAL, { message: `inputPerMTok ${DECIMAL_MESSAGE}` })
  inputPerMTok!: string;

  @ApiProperty({ example: '0.60', description: 'Credits per million output tokens.' })
  @Matches(DECIMAL, { message: `outputPerMTok ${DECIMAL_MESSAGE}` })
  outputPerMTok!: string;

  @ApiPropertyOptional({ example: '0.075', description: 'Credits per million cached input tokens.' })
  @IsOptional()
  @Matches(DECIMAL, { message: `cachedInputPerMTok ${DECIMAL_MESSAGE}` })
  cachedInputPerMTok?: string;

  @ApiPropertyOptional({
    example: '3.75',
    description: 'Credits per million tokens written to a 5-minute cache.',
  })
  @IsOptional()
  @Matches(DECIMAL, { message: `cacheWrite5mPerMTok ${DECIMAL_MESSAGE}` })
  cacheWrite5mPerMTok?: string;

  @ApiPropertyOptional({ example: '6', description: 'Credits per million tokens written to a 1-hour cache.' })
  @IsOptional()
  @Matches(DECIMAL, { message: `cacheWrite1hPerMTok ${DECIMAL_MESSAGE}` })
  cacheWrite1hPerMTok?: string;

  @ApiPropertyOptional({ example: '0.04', description: 'Credits per generated image.' })
  @IsOptional()
  @Matches(DECIMAL, { message: `perImage ${DECIMAL_MESSAGE}` })
  perImage?: string;

  @ApiPropertyOptional({ example: '0.006', description: 'Credits per audio minute.' })
  @IsOptional()
  @Matches(DECIMAL, { message: `perAudioMinute ${DECIMAL_MESSAGE}` })
  perAudioMinute?: string;

  @ApiPropertyOptional({ example: '15', description: 'Credits per million characters (text to speech).' })
  @IsOptional()
  @Matches(DECIMAL, { message: `perMChars ${DECIMAL_MESSAGE}` })
  perMChars?: string;
}

export class RuntimeModelDto {
  @ApiProperty({
    example: 'llama3.1:8b',
    description: 'The id sent upstream; callers use `<provider>/<id>`.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(MODEL_ID, { message: 'id must not contain spaces or start with a slash' })
  id!: string;

  @ApiPropertyOptional({ type: [String], example: ['llama-small'], description: 'Other names for it.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  @Matches(MODEL_ID, { each: true, message: 'aliases must not contain spaces or start with a slash' })
  aliases?: string[];

  @ApiPropertyOptional({
    enum: CAPABILITIES,
    isArray: true,
    default: ['chat', 'streaming'],
    description: 'What it can do; at least one operation (chat, completions, embeddings, ...).',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(CAPABILITIES, { each: true, message: `capabilities must hold only: ${CAPABILITIES.join(', ')}` })
  capabilities?: Capability[];

  @ApiPropertyOptional({ example: 131072, default: 8192, description: 'Tokens in.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  context_window?: number;

  @ApiPropertyOptional({
    example: 8192,
    default: 4096,
    description: 'Most tokens out: the worst case a call reserves credits for when it sets no max_tokens.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  max_output_tokens?: number;

  @ApiProperty({ type: RuntimePricingDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RuntimePricingDto)
  pricing!: RuntimePricingDto;

  @ApiPropertyOptional({
    description:
      'Deliberately free (a local server): calls are charged nothing. Without it a price of 0 for what a call ' +
      'uses is a pricing gap, and paying callers are refused (400 model_not_priced).',
  })
  @IsOptional()
  @IsBoolean()
  free?: boolean;
}

const HEADERS_SCHEMA = {
  type: 'object',
  additionalProperties: { type: 'string' },
  example: { 'X-Org': 'research' },
} as const;

export class CreateRuntimeProviderDto {
  @ApiProperty({
    example: 'lab-ollama',
    description:
      'What callers put before the slash (`lab-ollama/llama3.1:8b`): lower-case letters, digits and dashes; ' +
      "unique across every tenant, and not a catalog provider's id.",
  })
  @IsString()
  @MaxLength(63)
  id!: string;

  @ApiPropertyOptional({ example: 'Lab Ollama box', description: 'Defaults to the id.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiProperty({
    enum: RUNTIME_FORMATS,
    description:
      '`openai` (any OpenAI-compatible server: vLLM, LM Studio, a proxy), `anthropic`, `gemini`, or `ollama` ' +
      "(served through Ollama's OpenAI-compatible API under /v1; takes no key by default).",
  })
  @IsIn(RUNTIME_FORMATS)
  format!: RuntimeFormat;

  @ApiProperty({
    example: 'http://10.0.0.5:11434',
    description:
      'Where calls go (OpenAI-compatible: the URL before /chat/completions). Must pass the outbound policy: ' +
      'public https unless OUTBOUND_ALLOWLIST admits it.',
  })
  @Matches(HTTP_URL, { message: 'base_url must be an http(s) URL' })
  @MaxLength(2000)
  base_url!: string;

  @ApiPropertyOptional({
    ...HEADERS_SCHEMA,
    description:
      "Sent with every upstream call (they replace the adapter's headers of the same name). Values of " +
      'secret-looking headers are shown masked. Stored in clear: put keys in the vault.',
  })
  @IsOptional()
  @IsObject()
  default_headers?: Record<string, string>;

  @ApiPropertyOptional({ example: 120000, default: 300000, description: 'Per call (streams: per chunk).' })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  timeout_ms?: number;

  @ApiPropertyOptional({
    description:
      'Whether calls need a vault key (or X-Provider-Key). Default: true, except for `ollama`. A keyless ' +
      'provider is called with a placeholder key when the vault holds none.',
  })
  @IsOptional()
  @IsBoolean()
  key_required?: boolean;

  @ApiPropertyOptional({
    description:
      "Whether it speaks OpenAI's Responses API natively (`openai` format only; default false): /v1/responses calls " +
      'then go through as they are, built-in tools intact, instead of through chat completions.',
  })
  @IsOptional()
  @IsBoolean()
  responses_api?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description:
      'The tenant whose callers alone see it. Tenant admins: their own (the default). Platform admins: ' +
      'omit or null for a platform provider (every tenant).',
  })
  @IsOptional()
  @IsUUID()
  tenant_id?: string | null;

  @ApiProperty({ type: [RuntimeModelDto] })
  @IsArray()
  @ArrayMaxSize(MAX_RUNTIME_MODELS)
  @ValidateNested({ each: true })
  @Type(() => RuntimeModelDto)
  models!: RuntimeModelDto[];
}

export class UpdateRuntimeProviderDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: RUNTIME_FORMATS })
  @IsOptional()
  @IsIn(RUNTIME_FORMATS)
  format?: RuntimeFormat;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(HTTP_URL, { message: 'base_url must be an http(s) URL' })
  @MaxLength(2000)
  base_url?: string;

  @ApiPropertyOptional({
    ...HEADERS_SCHEMA,
    description:
      'Replaces every default header. A value sent back exactly as shown masked (`…abcd`) keeps the stored value.',
  })
  @IsOptional()
  @IsObject()
  default_headers?: Record<string, string>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  timeout_ms?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  key_required?: boolean;

  @ApiPropertyOptional({
    description:
      "Whether it speaks OpenAI's Responses API natively (`openai` format only; default false): /v1/responses calls " +
      'then go through as they are, built-in tools intact, instead of through chat completions.',
  })
  @IsOptional()
  @IsBoolean()
  responses_api?: boolean;

  @ApiPropertyOptional({ type: [RuntimeModelDto], description: 'Replaces the whole model list.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_RUNTIME_MODELS)
  @ValidateNested({ each: true })
  @Type(() => RuntimeModelDto)
  models?: RuntimeModelDto[];
}

export class RuntimeProviderListQueryDto extends PageQueryDto {}

export class RuntimeModelView {
  @ApiProperty({ example: 'lab-ollama/llama3.1:8b' }) id!: string;
  @ApiProperty({ example: 'llama3.1:8b' }) model!: string;
  @ApiProperty({ type: [String] }) aliases!: string[];
  @ApiProperty({ enum: CAPABILITIES, isArray: true }) capabilities!: string[];
  @ApiProperty() context_window!: number;
  @ApiProperty() max_output_tokens!: number;
  @ApiProperty({ example: { inputPerMTok: '0', outputPerMTok: '0' } }) pricing!: Record<string, string>;
  @ApiProperty() free!: boolean;
}

export class RuntimeProviderView {
  @ApiProperty({ example: 'lab-ollama' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: RUNTIME_FORMATS }) format!: RuntimeFormat;
  @ApiProperty({ enum: ['openai', 'anthropic', 'gemini'], description: 'The adapter that serves it.' })
  wire_format!: string;
  @ApiProperty({ enum: ['platform', 'tenant'] }) scope!: 'platform' | 'tenant';
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) tenant_id!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Admins only (null for members).' })
  base_url!: string | null;
  @ApiProperty({
    ...HEADERS_SCHEMA,
    nullable: true,
    description: 'Admins only; secret-looking values masked as `…abcd`.',
  })
  default_headers!: Record<string, string> | null;
  @ApiProperty() timeout_ms!: number;
  @ApiProperty() key_required!: boolean;
  @ApiProperty({ description: "Speaks OpenAI's Responses API natively." }) responses_api!: boolean;
  @ApiProperty({ description: 'Whether the caller can call its models now (a key, or none needed).' })
  available!: boolean;
  @ApiProperty({ type: [RuntimeModelView] }) models!: RuntimeModelView[];
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
}

export class RuntimeProviderPageView {
  @ApiProperty({ type: [RuntimeProviderView] }) data!: RuntimeProviderView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class DiscoveredModelView {
  @ApiProperty({ example: 'llama3.1:8b' }) id!: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() owned_by?: string;
  @ApiPropertyOptional() context_window?: number;
  @ApiPropertyOptional() max_output_tokens?: number;
  @ApiPropertyOptional({ enum: CAPABILITIES, isArray: true }) capabilities?: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
  @ApiProperty({ description: 'Already one of the provider’s models.' }) registered!: boolean;
}

export class DiscoveryView {
  @ApiProperty({ example: 'lab-ollama' }) provider!: string;
  @ApiProperty({ example: 'http://10.0.0.5:11434/api/tags', description: 'What was asked.' }) url!: string;
  @ApiProperty({ description: 'Whether a vault key (or X-Provider-Key) was sent.' }) authenticated!: boolean;
  @ApiProperty({ type: [DiscoveredModelView] }) models!: DiscoveredModelView[];
}
