import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import { API_PREFIX } from '@switchyard/core';
import { UsageQueryDto, UsageView } from '../dto/usage.dto.js';
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
}
