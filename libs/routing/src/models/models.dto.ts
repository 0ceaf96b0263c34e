import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import {
  CAPABILITIES,
  pricingGaps,
  type Capability,
  type CatalogModel,
  type CatalogProvider,
  type PricedQuantity,
} from '@switchyard/providers';

import { MODEL_TIERS, tierOf, type ModelTier } from './model-tier.js';

const DECIMAL = /^\d{1,9}(\.\d{1,9})?$/;
const DECIMAL_MESSAGE = 'must be a decimal string of credits, e.g. "0.15"';

export class PricingOverrideDto {
  @ApiPropertyOptional({ example: '0.15', description: 'Credits per million input tokens.' })
  @IsOptional()
  @Matches(DECIMAL, { message: `inputPerMTok ${DECIMAL_MESSAGE}` })
  inputPerMTok?: string;

  @ApiPropertyOptional({ example: '0.60', description: 'Credits per million output tokens.' })
  @IsOptional()
  @Matches(DECIMAL, { message: `outputPerMTok ${DECIMAL_MESSAGE}` })
  outputPerMTok?: string;

  @ApiPropertyOptional({
    example: '0.075',
    description: 'Credits per million prompt tokens read from cache.',
  })
  @IsOptional()
  @Matches(DECIMAL, { message: `cachedInputPerMTok ${DECIMAL_MESSAGE}` })
  cachedInputPerMTok?: string;

  @ApiPropertyOptional({
    example: '3.75',
    description: 'Credits per million prompt tokens written to a 5-minute cache (default 1.25 × input).',
  })
  @IsOptional()
  @Matches(DECIMAL, { message: `cacheWrite5mPerMTok ${DECIMAL_MESSAGE}` })
  cacheWrite5mPerMTok?: string;

  @ApiPropertyOptional({
    example: '6',
    description: 'Credits per million prompt tokens written to a 1-hour cache (default 2 × input).',
  })
  @IsOptional()
  @Matches(DECIMAL, { message: `cacheWrite1hPerMTok ${DECIMAL_MESSAGE}` })
  cacheWrite1hPerMTok?: string;

  @ApiPropertyOptional({ example: '0.04', description: 'Credits per generated image.' })
  @IsOptional()
  @Matches(DECIMAL, { message: `perImage ${DECIMAL_MESSAGE}` })
  perImage?: string;

  @ApiPropertyOptional({ example: '0.006' })
  @IsOptional()
  @Matches(DECIMAL, { message: `perAudioMinute ${DECIMAL_MESSAGE}` })
  perAudioMinute?: string;

  @ApiPropertyOptional({ example: '15' })
  @IsOptional()
  @Matches(DECIMAL, { message: `perMChars ${DECIMAL_MESSAGE}` })
  perMChars?: string;
}

export class ModelOverrideDto {
  @ApiPropertyOptional({ type: PricingOverrideDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PricingOverrideDto)
  pricing?: PricingOverrideDto;

  @ApiPropertyOptional({ example: 128000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  context_window?: number;

  @ApiPropertyOptional({ example: 16384 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  max_output_tokens?: number;

  @ApiPropertyOptional({ example: false, description: 'Switch the model off: listed, never routed to.' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({
    example: true,
    description:
      'Mark the model free (charged nothing, never refused as unpriced), or false to take a catalog ' +
      "file's mark away. Absent: the catalog's value.",
  })
  @IsOptional()
  @IsBoolean()
  free?: boolean;
}

/** GET /api/v1/models filters. */
export class ModelsQueryDto {
  @ApiPropertyOptional({
    description: 'Only the models (and unlisted-model terms) with no price for something they serve.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unpriced?: boolean;

  @ApiPropertyOptional({ enum: CAPABILITIES, description: 'Only the models with this capability.' })
  @IsOptional()
  @IsIn(CAPABILITIES, { message: `capability must be one of ${CAPABILITIES.join(', ')}` })
  capability?: Capability;

  @ApiPropertyOptional({
    enum: MODEL_TIERS,
    description: 'Only the models of this price tier (free, low, standard, premium; see docs/compat.md).',
  })
  @IsOptional()
  @IsIn(MODEL_TIERS, { message: `tier must be one of ${MODEL_TIERS.join(', ')}` })
  tier?: ModelTier;
}

export class ModelView {
  @ApiProperty({ example: 'openai/gpt-4o-mini' }) id!: string;
  @ApiProperty({ example: 'openai' }) provider!: string;
  @ApiProperty({ example: 'gpt-4o-mini' }) model!: string;
  @ApiProperty({ type: [String] }) aliases!: string[];
  @ApiProperty({ type: [String], example: ['chat', 'vision', 'tools', 'json_mode', 'streaming'] })
  capabilities!: string[];
  @ApiProperty({ example: 128000 }) context_window!: number;
  @ApiProperty({ example: 16384 }) max_output_tokens!: number;
  @ApiProperty({ example: { inputPerMTok: '0.15', outputPerMTok: '0.6' } }) pricing!: Record<string, string>;
  @ApiProperty({ description: 'A usable key exists for the caller (or the request can bring one).' })
  available!: boolean;
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ description: 'Deliberately free: charged nothing.' }) free!: boolean;
  @ApiProperty({ enum: MODEL_TIERS, description: 'Price tier (docs/compat.md).' }) tier!: ModelTier;
  @ApiProperty({
    type: [String],
    example: ['output tokens'],
    description:
      'What the model serves but has no price for (input tokens, output tokens, images, audio minutes, ' +
      'characters): calls that use it are refused with 400 model_not_priced. Empty when fully priced or free.',
  })
  unpriced!: PricedQuantity[];

  static from(provider: CatalogProvider, model: CatalogModel, available: boolean): ModelView {
    return {
      id: `${provider.id}/${model.id}`,
      provider: provider.id,
      model: model.id,
      aliases: [...model.aliases],
      capabilities: [...model.capabilities],
      context_window: model.contextWindow,
      max_output_tokens: model.maxOutputTokens,
      pricing: { ...model.pricing },
      available,
      disabled: model.disabled,
      free: model.free === true,
      tier: tierOf(model),
      unpriced: pricingGaps(model),
    };
  }
}

/** The terms of a provider's models the catalog does not list (`provider/<any id>`). */
export class UnlistedModelsView {
  @ApiProperty({ type: [String] }) capabilities!: string[];
  @ApiProperty() context_window!: number;
  @ApiProperty() max_output_tokens!: number;
  @ApiProperty({ example: { inputPerMTok: '0', outputPerMTok: '0' } }) pricing!: Record<string, string>;
  @ApiProperty() free!: boolean;
  @ApiProperty({ type: [String], description: 'As on a model.' }) unpriced!: PricedQuantity[];

  static from(provider: CatalogProvider): UnlistedModelsView | undefined {
    const terms = provider.unlistedModels;
    if (!terms) return undefined;
    return {
      capabilities: [...terms.capabilities],
      context_window: terms.contextWindow,
      max_output_tokens: terms.maxOutputTokens,
      pricing: { ...terms.pricing },
      free: terms.free === true,
      unpriced: pricingGaps(terms),
    };
  }
}

export class ProviderView {
  @ApiProperty({ example: 'openai' }) id!: string;
  @ApiProperty({ example: 'OpenAI' }) name!: string;
  @ApiProperty({ enum: ['openai', 'gemini', 'anthropic'] }) format!: string;
  @ApiProperty() available!: boolean;
  @ApiProperty({ type: [ModelView] }) models!: ModelView[];
  @ApiPropertyOptional({
    type: UnlistedModelsView,
    description: 'Present when the provider serves models it does not list (local servers).',
  })
  unlisted_models?: UnlistedModelsView;
}
