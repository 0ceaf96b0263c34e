import { Body, Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import type { Request, Response } from 'express';
import { AnthropicExceptionFilter } from './messages.errors.js';
import { MessagesService } from './messages.service.js';

const EXAMPLE = {
  model: 'simulator-anthropic/sim-claude',
  max_tokens: 1024,
  system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: 'Hello!' }],
};

@ApiTags('anthropic')
@ApiBearerAuth('bearer')
@ApiHeader({ name: 'anthropic-version', required: false, description: 'Accepted (e.g. 2023-06-01).' })
@ApiHeader({ name: 'anthropic-beta', required: false, description: 'Tolerated and not forwarded.' })
@AllowApiKey()
@UseFilters(AnthropicExceptionFilter)
@Controller('v1/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Anthropic Messages (streaming and not), routed to any provider.',
    description:
      "Anthropic's request, answer, stream events and error shape, on every provider (Anthropic-format upstreams get the blocks natively; others are translated, see docs/translation.md). Authenticate with `x-api-key: <Switchyard API key>` or `Authorization: Bearer`. `model` may be `provider/model`, a bare id, an alias or a route.",
  })
  @ApiBody({ schema: { type: 'object', example: EXAMPLE } })
  @ApiOkResponse({ description: 'A message object, or a text/event-stream of Anthropic stream events.' })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.messages.create(caller, body, req, res);
  }

  @Post('count_tokens')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Count the input tokens of a Messages request (not charged).',
    description: 'The count the gateway reserves credits by (o200k tokenizer, tools and images included).',
  })
  @ApiBody({ schema: { type: 'object', example: { model: EXAMPLE.model, messages: EXAMPLE.messages } } })
  @ApiOkResponse({ description: '`{"input_tokens": n}`' })
  countTokens(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ input_tokens: number }> {
    return this.messages.countTokens(caller, body, req, res);
  }
}
