import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import { API_PREFIX } from '@switchyard/core';
import { UsageErrorsQueryDto, UsageErrorsView, UsageQueryDto, UsageView } from '../dto/usage.dto.js';
import { UsageService } from '../services/usage.service.js';

@ApiTags('usage')
@ApiBearerAuth('bearer')
@Controller(`${API_PREFIX}/usage`)
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @AllowApiKey()
  @ApiOperation({
    summary:
      'Usage aggregates (requests, tokens, cost, errors, latency) grouped by day, model, provider, key, user, endpoint or status. Members and API keys: their own; admins: their tenant.',
  })
  @ApiOkResponse({ type: UsageView })
  aggregate(@CurrentCaller() caller: Caller, @Query() query: UsageQueryDto): Promise<UsageView> {
    return this.usage.aggregate(caller, query);
  }

  @Get('errors')
  @AllowApiKey()
  @ApiOperation({
    summary:
      'The latest calls that failed or were aborted (time, model, provider, error class, request id). Members and API keys: their own; admins: their tenant.',
  })
  @ApiOkResponse({ type: UsageErrorsView })
  errors(@CurrentCaller() caller: Caller, @Query() query: UsageErrorsQueryDto): Promise<UsageErrorsView> {
    return this.usage.errors(caller, query);
  }
}
