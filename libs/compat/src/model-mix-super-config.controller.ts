import { Body, Controller, Get, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { NoFilesInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiConsumes,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import { ApiError, InvalidRequestError } from '@switchyard/core';
import { ProviderKeysService, type ProviderKeyView } from '@switchyard/key-vault';
import { CatalogService } from '@switchyard/providers';
import { ModelsService } from '@switchyard/routing';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { COMPAT_TAG } from './compat.constants.js';

/** ModelMixSuper's `POST /config/model` form (multipart or JSON). */
export class ConfigModelDto {
  @ApiProperty({
    example: 'gemini',
    description:
      'A provider id (`openai`, `gemini`, `anthropic`…) or a model name, whose provider gets the key.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  model_name!: string;

  @ApiProperty({
    example: 'AIza…',
    description: 'The provider key; stored encrypted in your pool of the vault.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  api_key!: string;

  @ApiPropertyOptional({
    example: 'https://api.example.com',
    description: 'Admins: a base URL for this key, under the same outbound rules as /api/v1/provider-keys.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  base_url?: string;
}

/** What the provider-key API calls the fields this form names otherwise. */
const PARAMS: Record<string, string> = { key: 'api_key', provider: 'model_name' };

/** The provider-key API's error, naming this form's field (`api_key`, not `key`). */
function renamedParam(err: unknown): unknown {
  if (err instanceof ApiError && err.param && PARAMS[err.param]) {
    // The same error (status, type, code, message), pointed at the field the caller sent.
    Object.assign(err, { param: PARAMS[err.param] });
  }
  return err;
}

/**
 * ModelMixSuper's model configuration: a provider key stored the way `POST /api/v1/provider-keys`
 * stores it (the caller's pool: a member's own, a tenant admin's tenant, a platform admin's
 * platform), and the models the caller can call.
 */
@ApiTags(COMPAT_TAG)
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller('config')
export class ModelMixSuperConfigController {
  constructor(
    private readonly keys: ProviderKeysService,
    private readonly catalog: CatalogService,
    private readonly models: ModelsService,
  ) {}

  @Post('model')
  @HttpCode(200)
  @UseInterceptors(NoFilesInterceptor())
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiOperation({
    summary:
      'ModelMixSuper: store a provider key (POST /api/v1/provider-keys); `model_name` names the provider or one of its models.',
  })
  async configure(
    @CurrentCaller() caller: Caller,
    @Body() dto: ConfigModelDto,
  ): Promise<{ status: 'success'; model_name: string; provider: string; key: ProviderKeyView }> {
    const name = dto.model_name.trim();
    const provider = this.providerOf(name, caller.tenantId);
    if (!provider) {
      throw new InvalidRequestError(
        `'${name}' is neither a provider nor a model of one. GET /config/models lists what you can call; GET /api/v1/models lists every provider.`,
        { param: 'model_name', code: 'unknown_provider' },
      );
    }
    try {
      const key = await this.keys.create(caller, {
        provider,
        key: dto.api_key,
        name: `${name} (config/model)`,
        ...(dto.base_url?.trim() ? { base_url: dto.base_url.trim() } : {}),
      });
      return { status: 'success', model_name: name, provider, key };
    } catch (err) {
      throw renamedParam(err);
    }
  }

  @Get('models')
  @ApiOperation({ summary: 'ModelMixSuper: the models you can call (GET /v1/models).' })
  list(@CurrentCaller() caller: Caller) {
    return this.models.listOpenAi(caller);
  }

  /** The provider a name stands for: a provider id, a model id or alias, or `provider/model`. */
  private providerOf(name: string, tenantId: string | null): string | undefined {
    const direct = this.catalog.provider(name, tenantId);
    if (direct) return direct.id;
    const slash = name.indexOf('/');
    if (slash > 0 && this.catalog.provider(name.slice(0, slash), tenantId)) return name.slice(0, slash);
    return (this.catalog.withModelId(name, tenantId)[0] ?? this.catalog.withAlias(name, tenantId)[0])
      ?.provider.id;
  }
}
