import { Body, Controller, Delete, Get, HttpCode, Inject, Optional, Post, Put, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import { API_PREFIX } from '@switchyard/core';
import type { Request } from 'express';
import { Orchestrator } from '../orchestrator.service.js';
import { PolicyService, type PolicyView } from '../policy/policy.service.js';
import { STEP_RUNNERS, type StepRunners } from '../step-runners.js';
import {
  ExplainRequestDto,
  ExplainResponseDto,
  MoeMetadataDto,
  OrchestrationPolicyDto,
  ParameterPresetDto,
  PolicyViewDto,
  SwitchyardExplanationDto,
} from './orchestration.dto.js';

@ApiTags('orchestration')
@ApiBearerAuth('bearer')
@ApiExtraModels(MoeMetadataDto, SwitchyardExplanationDto, ParameterPresetDto)
@Controller(`${API_PREFIX}/orchestration`)
export class OrchestrationController {
  constructor(
    private readonly policies: PolicyService,
    private readonly orchestrator: Orchestrator,
    // Bound by the chat lib: the LLM classifier's call is metered there.
    @Optional() @Inject(STEP_RUNNERS) private readonly runners: StepRunners | null,
  ) {}

  @Get('policy')
  @ApiOperation({
    summary:
      "The orchestration policy: the platform's (platform admins) or your tenant's override and what it yields.",
  })
  @ApiOkResponse({ type: PolicyViewDto })
  get(@CurrentCaller() caller: Caller): Promise<PolicyView> {
    return this.policies.view(caller);
  }

  @Put('policy')
  @ApiOperation({
    summary:
      "Replace the platform's policy (platform admins: a whole policy) or set your tenant's override (tenant admins: any part).",
    description: 'A bad field is a 400 `invalid_policy` naming it in `param`; nothing is written.',
  })
  @ApiBody({ type: OrchestrationPolicyDto })
  @ApiOkResponse({ type: PolicyViewDto })
  put(@CurrentCaller() caller: Caller, @Body() body: unknown): Promise<PolicyView> {
    return this.policies.put(caller, body);
  }

  @Delete('policy')
  @ApiOperation({ summary: 'Back to the shipped default (platform) or to no override (tenant).' })
  @ApiOkResponse({ type: PolicyViewDto })
  reset(@CurrentCaller() caller: Caller): Promise<PolicyView> {
    return this.policies.reset(caller);
  }

  @Post('explain')
  @HttpCode(200)
  @AllowApiKey()
  @ApiOperation({
    summary: 'What `model: "auto"` would do with a chat request, without running it.',
    description:
      'The classification, the plan (strategy, a model per step, why each was chosen and what was passed over) ' +
      'and the sampling parameters. Only the classifier runs (the LLM classifier, when configured, is charged). ' +
      "Every orchestrated chat answer carries the same object as `switchyard` (with each step's latency, " +
      'tokens and cost) beside `moe_metadata`.',
  })
  @ApiBody({ type: ExplainRequestDto })
  @ApiOkResponse({ type: ExplainResponseDto })
  explain(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
  ): Promise<Record<string, unknown>> {
    const id = (req as Request & { id?: unknown }).id;
    return this.orchestrator.explain(caller, body, typeof id === 'string' ? id : '', this.runners);
  }
}
