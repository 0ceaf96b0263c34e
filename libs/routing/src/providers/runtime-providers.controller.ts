import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, Roles, type Caller } from '@switchyard/auth';
import { API_PREFIX, type Page } from '@switchyard/core';
import {
  CreateRuntimeProviderDto,
  DiscoveryView,
  RuntimeProviderListQueryDto,
  RuntimeProviderPageView,
  RuntimeProviderView,
  UpdateRuntimeProviderDto,
} from './runtime-provider.dto.js';
import { RuntimeProvidersService } from './runtime-providers.service.js';

const ID_PARAM = { name: 'id', example: 'lab-ollama', description: 'The provider id.' };

@ApiTags('providers')
@ApiBearerAuth('bearer')
@Controller(`${API_PREFIX}/providers`)
export class RuntimeProvidersController {
  constructor(private readonly providers: RuntimeProvidersService) {}

  @Post()
  @Roles('tenant_admin')
  @ApiOperation({
    summary:
      'Register a provider at run time: platform admins for every tenant (or one), tenant admins for their ' +
      'tenant (with TENANT_BASE_URLS). Served on every instance within a second, without a restart.',
  })
  @ApiCreatedResponse({ type: RuntimeProviderView })
  create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateRuntimeProviderDto,
  ): Promise<RuntimeProviderView> {
    return this.providers.create(caller, dto);
  }

  @Get()
  @AllowApiKey()
  @ApiOperation({
    summary:
      "Runtime providers you can use: the platform's and your tenant's (platform admins: every one). " +
      'Base URLs and default headers are shown to admins only.',
  })
  @ApiOkResponse({ type: RuntimeProviderPageView })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: RuntimeProviderListQueryDto,
  ): Promise<Page<RuntimeProviderView>> {
    return this.providers.list(caller, query);
  }

  @Get(':id')
  @AllowApiKey()
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: RuntimeProviderView })
  get(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<RuntimeProviderView> {
    return this.providers.get(caller, id);
  }

  @Patch(':id')
  @Roles('tenant_admin')
  @ApiParam(ID_PARAM)
  @ApiOperation({
    summary: 'Change a provider: name, format, base URL, default headers, timeout, key, models.',
  })
  @ApiOkResponse({ type: RuntimeProviderView })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: UpdateRuntimeProviderDto,
  ): Promise<RuntimeProviderView> {
    return this.providers.update(caller, id, dto);
  }

  @Delete(':id')
  @Roles('tenant_admin')
  @HttpCode(204)
  @ApiParam(ID_PARAM)
  @ApiOperation({ summary: 'Remove a provider; its models stop resolving on every instance.' })
  @ApiNoContentResponse()
  async delete(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.providers.delete(caller, id);
  }

  @Post(':id/discover')
  @Roles('tenant_admin')
  @HttpCode(200)
  @ApiParam(ID_PARAM)
  @ApiOperation({
    summary:
      'Ask the provider which models it serves (OpenAI-compatible GET /models, Ollama GET /api/tags) and list ' +
      'them for you to add; adds nothing. 502 naming what failed.',
  })
  @ApiOkResponse({ type: DiscoveryView })
  discover(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<DiscoveryView> {
    return this.providers.discover(caller, id);
  }
}
