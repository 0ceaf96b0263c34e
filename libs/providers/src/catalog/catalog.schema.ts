import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { WIRE_FORMATS, type WireFormat } from '../provider.port.js';
import { CAPABILITIES, type Capability } from './catalog.types.js';

/** A decimal credit amount with at most 6 decimals (micro-credits), as core's parseCredits reads. */
export const DECIMAL = /^\d{1,9}(\.\d{1,6})?$/;
const DECIMAL_MESSAGE = 'must be a decimal string of credits with at most 6 decimals, e.g. "2.50"';
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const HTTP_URL = /^https?:\/\/[^\s]+$/;

export class PricingDto {
  @Matches(DECIMAL, { message: `$property ${DECIMAL_MESSAGE}` })
  inputPerMTok!: string;

  @Matches(DECIMAL, { message: `$property ${DECIMAL_MESSAGE}` })
  outputPerMTok!: string;

  @IsOptional()
  @Matches(DECIMAL, { message: `$property ${DECIMAL_MESSAGE}` })
  cachedInputPerMTok?: string;

  @IsOptional()
  @Matches(DECIMAL, { message: `$property ${DECIMAL_MESSAGE}` })
  cacheWrite5mPerMTok?: string;

  @IsOptional()
  @Matches(DECIMAL, { message: `$property ${DECIMAL_MESSAGE}` })
  cacheWrite1hPerMTok?: string;

  @IsOptional()
  @Matches(DECIMAL, { message: `$property ${DECIMAL_MESSAGE}` })
  perImage?: string;

  @IsOptional()
  @Matches(DECIMAL, { message: `$property ${DECIMAL_MESSAGE}` })
  perAudioMinute?: string;

  @IsOptional()
  @Matches(DECIMAL, { message: `$property ${DECIMAL_MESSAGE}` })
  perMChars?: string;

  @IsOptional()
  @Matches(DECIMAL, { message: `$property ${DECIMAL_MESSAGE}` })
  perSearch?: string;
}

class ModelTermsDto {
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(CAPABILITIES, { each: true, message: `$property must hold only: ${CAPABILITIES.join(', ')}` })
  capabilities!: Capability[];

  /** Tokens in (0 where not meaningful: audio, images). */
  @IsInt()
  @Min(0)
  contextWindow!: number;

  /** Tokens out (0 for models that generate no text: embeddings, images, audio). */
  @IsInt()
  @Min(0)
  maxOutputTokens!: number;

  @IsDefined()
  @ValidateNested()
  @Type(() => PricingDto)
  pricing!: PricingDto;

  /** Deliberately free (local servers): never charged, never refused as unpriced. */
  @IsOptional()
  @IsBoolean()
  free?: boolean;
}

export class ModelDto extends ModelTermsDto {
  @IsString()
  @Matches(/^[A-Za-z0-9][\w.:/@+-]*$/, {
    message: '$property must be a model id (letters, digits, . _ - : / @ +)',
  })
  id!: string;

  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @Matches(/^[A-Za-z0-9][\w.:/@+-]*$/, { each: true, message: '$property must hold model ids' })
  aliases?: string[];
}

export class UnlistedModelsDto extends ModelTermsDto {}

export class EnvNamesDto {
  @Matches(ENV_NAME, { message: '$property must be an UPPER_SNAKE variable name' })
  apiKey!: string;

  @Matches(ENV_NAME, { message: '$property must be an UPPER_SNAKE variable name' })
  baseUrl!: string;

  @Matches(ENV_NAME, { message: '$property must be an UPPER_SNAKE variable name' })
  timeoutMs!: string;
}

/** One `catalog/<provider>.json` file, validated at boot. */
export class ProviderFileDto {
  @Matches(/^[a-z][a-z0-9-]*$/, { message: '$property must be lower-case letters, digits and dashes' })
  id!: string;

  @IsString()
  name!: string;

  @IsIn(WIRE_FORMATS, { message: `$property must be one of ${WIRE_FORMATS.join(', ')}` })
  format!: WireFormat;

  @Matches(HTTP_URL, { message: '$property must be an http(s) URL' })
  defaultBaseUrl!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => EnvNamesDto)
  env!: EnvNamesDto;

  @IsBoolean()
  keyRequired!: boolean;

  @IsOptional()
  @IsBoolean()
  baseUrlRequired?: boolean;

  @IsOptional()
  @IsBoolean()
  responsesApi?: boolean;

  @IsInt()
  @Min(1)
  timeoutMs!: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  priority?: number;

  @IsOptional()
  @Matches(HTTP_URL, { message: '$property must be an http(s) URL' })
  docsUrl?: string;

  @IsOptional()
  @IsString()
  notes?: string;

  @IsOptional()
  @IsString()
  defaultModel?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => UnlistedModelsDto)
  unlistedModels?: UnlistedModelsDto;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ModelDto)
  models!: ModelDto[];
}
