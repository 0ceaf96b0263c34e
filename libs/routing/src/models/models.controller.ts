import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, Roles, type Caller } from '@switchyard/auth';
import { API_PREFIX } from '@switchyard/core';
import { ModelOverrideDto, ModelsQueryDto, ModelView, ProviderView } from './models.dto.js';
import { ModelOverridesService } from './model-overrides.service.js';
import type { TargetStats } from '../tracker/performance-tracker.js';
import { ModelsService, type OpenAiModel } from './models.service.js';

/** The OpenAI-compatible model list. */
@ApiTags('openai')
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller('v1/models')
export class OpenAiModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  @ApiOperation({ summary: 'Models the caller can use now (OpenAI shape; ids are provider/model).' })
  list(@CurrentCaller() caller: Caller): { object: 'list'; data: OpenAiModel[] } {
    return this.models.listOpenAi(caller);
  }

  @Get(':provider/:model')
  @ApiOperation({ summary: 'One model by its provider/model id.' })
  getQualified(
    @CurrentCaller() caller: Caller,
    @Param('provider') provider: string,
    @Param('model') model: string,
  ): OpenAiModel {
    return this.models.getOpenAi(caller, `${provider}/${model}`);
  }

  @Get(':model')
  @ApiOperation({ summary: 'One model by a bare id or alias.' })
  get(@CurrentCaller() caller: Caller, @Param('model') model: string): OpenAiModel {
    return this.models.getOpenAi(caller, model);
  }
}

/** The catalog with full metadata, and operator overrides. */
@ApiTags('models')
@ApiBearerAuth('bearer')
@Controller(`${API_PREFIX}/models`)
export class ModelsController {
  constructor(
    private readonly models: ModelsService,
    private readonly overrides: ModelOverridesService,
  ) {}

  @Get()
  @AllowApiKey()
  @ApiOperation({
    summary:
      'Every provider and model: capabilities, context window, pricing, availability. ' +
      '?unpriced=true lists only the pricing gaps (each model and what it has no price for); ' +
      '?capability= and ?tier= (free, low, standard, premium by price) filter the models.',
  })
  @ApiOkResponse({ type: [ProviderView] })
  list(@CurrentCaller() caller: Caller, @Query() query: ModelsQueryDto): ProviderView[] {
    return this.models.providers(caller, {
      unpriced: query.unpriced,
      capability: query.capability,
      tier: query.tier,
    });
  }

  @Get(':provider')
  @AllowApiKey()
  @ApiOkResponse({ type: ProviderView })
  provider(@CurrentCaller() caller: Caller, @Param('provider') provider: string): ProviderView {
    return this.models.provider(caller, provider);
  }

  @Get(':provider/:model/stats')
  @ApiOperation({
    summary:
      'Live performance of one model: calls in flight, and over the last five minutes calls, errors by class, error rate, mean time to first token, latency and output tokens per second.',
  })
  stats(
    @CurrentCaller() caller: Caller,
    @Param('provider') provider: string,
    @Param('model') model: string,
  ): TargetStats {
    return this.models.stats(caller, provider, model);
  }

  @Get(':provider/:model')
  @AllowApiKey()
  @ApiOkResponse({ type: ModelView })
  model(
    @CurrentCaller() caller: Caller,
    @Param('provider') provider: string,
    @Param('model') model: string,
  ): ModelView {
    return this.models.model(caller, provider, model);
  }

  @Put(':provider/:model')
  @Roles('platform_admin')
  @ApiOperation({ summary: 'Override pricing or limits of a model, or switch it off (platform admins).' })
  @ApiOkResponse({ type: ModelView })
  async override(
    @CurrentCaller() caller: Caller,
    @Param('provider') provider: string,
    @Param('model') model: string,
    @Body() dto: ModelOverrideDto,
  ): Promise<ModelView> {
    await this.overrides.put(provider, model, dto, caller.userId);
    return this.models.model(caller, provider, model);
  }

  @Delete(':provider/:model/override')
  @Roles('platform_admin')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove a model's override: the catalog's values apply again." })
  @ApiNoContentResponse()
  async removeOverride(@Param('provider') provider: string, @Param('model') model: string): Promise<void> {
    await this.overrides.remove(provider, model);
  }
}
