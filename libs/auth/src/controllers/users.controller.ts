import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX, type Page } from '@switchyard/core';
import type { Caller } from '../caller.js';
import { CurrentCaller, Roles } from '../decorators.js';
import {
  ChangeRoleDto,
  CreateUserDto,
  InvitedUserView,
  UpdateUserDto,
  UserListQueryDto,
  UserPageView,
  UserView,
} from '../dto/user.dto.js';
import { UsersService } from '../services/users.service.js';

@ApiTags('users')
@ApiBearerAuth('bearer')
@Roles('tenant_admin')
@Controller(`${API_PREFIX}/users`)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({
    summary:
      'Create a user with a password, or invite one (no password: the response carries a one-time invite token).',
  })
  @ApiCreatedResponse({ type: InvitedUserView })
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateUserDto): Promise<InvitedUserView> {
    return this.users.create(caller, dto);
  }

  @Get()
  @ApiOperation({
    summary: "List users (tenant admins: their tenant's; platform admins: all, or ?tenant_id=).",
  })
  @ApiOkResponse({ type: UserPageView })
  list(@CurrentCaller() caller: Caller, @Query() query: UserListQueryDto): Promise<Page<UserView>> {
    return this.users.list(caller, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserView })
  get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<UserView> {
    return this.users.get(caller, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename, change role, or disable/enable a user. Disabling ends their sessions.' })
  @ApiOkResponse({ type: UserView })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserView> {
    return this.users.update(caller, id, dto);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Disable a user: they cannot log in, and their tokens and API keys stop working.',
  })
  @ApiOkResponse({ type: UserView })
  disable(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<UserView> {
    return this.users.update(caller, id, { status: 'disabled' });
  }

  @Post(':id/role')
  @HttpCode(200)
  @ApiOperation({ summary: "Change a user's role (you cannot grant a role above your own)." })
  @ApiOkResponse({ type: UserView })
  role(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeRoleDto,
  ): Promise<UserView> {
    return this.users.update(caller, id, { role: dto.role });
  }
}
