import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX, PageQueryDto, type Page } from '@switchyard/core';
import type { Caller } from '../caller.js';
import { CurrentCaller, Roles } from '../decorators.js';
import { CreateTenantDto, UpdateTenantDto } from '../dto/tenant.dto.js';
import { TenantPageView, TenantView } from '../dto/user.dto.js';
import { TenantsService } from '../services/tenants.service.js';

@ApiTags('tenants')
@ApiBearerAuth('bearer')
@Controller(`${API_PREFIX}/tenants`)
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @Roles('platform_admin')
  @ApiOperation({ summary: 'Create a tenant (platform admins).' })
  @ApiCreatedResponse({ type: TenantView })
  create(@Body() dto: CreateTenantDto): Promise<TenantView> {
    return this.tenants.create(dto);
  }

  @Get()
  @Roles('tenant_admin')
  @ApiOperation({ summary: 'List tenants (platform admins see all; tenant admins their own).' })
  @ApiOkResponse({ type: TenantPageView })
  list(@CurrentCaller() caller: Caller, @Query() query: PageQueryDto): Promise<Page<TenantView>> {
    return this.tenants.list(caller, query);
  }

  @Get(':id')
  @Roles('tenant_admin')
  @ApiOkResponse({ type: TenantView })
  get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<TenantView> {
    return this.tenants.get(caller, id);
  }

  @Patch(':id')
  @Roles('platform_admin')
  @ApiOperation({ summary: 'Rename, disable/enable, or set the default RPM of a tenant (platform admins).' })
  @ApiOkResponse({ type: TenantView })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateTenantDto,
  ): Promise<TenantView> {
    return this.tenants.update(caller, id, dto);
  }
}
