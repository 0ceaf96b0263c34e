import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX, PageQueryDto, type Page } from '@switchyard/core';
import type { Caller } from '../caller.js';
import { CurrentCaller } from '../decorators.js';
import {
  ApiKeyPageView,
  ApiKeyView,
  CreateApiKeyDto,
  CreatedApiKeyView,
  UpdateApiKeyDto,
} from '../dto/api-key.dto.js';
import { ApiKeysService } from '../services/api-keys.service.js';

@ApiTags('api-keys')
@ApiBearerAuth('bearer')
@Controller(`${API_PREFIX}/api-keys`)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create a Switchyard API key. The secret is in the response once; store it.' })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    return this.keys.create(caller, dto);
  }

  @Get()
  @ApiOperation({ summary: "List keys, masked (members: their own; admins: the tenant's)." })
  @ApiOkResponse({ type: ApiKeyPageView })
  list(@CurrentCaller() caller: Caller, @Query() query: PageQueryDto): Promise<Page<ApiKeyView>> {
    return this.keys.list(caller, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ApiKeyView })
  get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<ApiKeyView> {
    return this.keys.get(caller, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: "Change a key's name, expiry, allowed models, RPM, TPM or budget (null removes one).",
  })
  @ApiOkResponse({ type: ApiKeyView })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateApiKeyDto,
  ): Promise<ApiKeyView> {
    return this.keys.update(caller, id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke a key. It stops working at once, on every instance.' })
  @ApiOkResponse({ type: ApiKeyView })
  revoke(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<ApiKeyView> {
    return this.keys.revoke(caller, id);
  }
}
