import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import type { Request, Response } from 'express';
import { ChatService } from './chat.service.js';

@ApiTags('openai')
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller('v1')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post('chat/completions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'OpenAI chat completions (streaming and not), routed to any provider.',
    description:
      "Exactly OpenAI's request and response. Extra fields: `models` (ordered fallbacks). `model` may be `provider/model`, a bare id or an alias. Send `X-Provider-Key` to use your own provider key.",
  })
  @ApiBody({
    schema: {
      type: 'object',
      example: { model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'Hello!' }] },
    },
  })
  @ApiOkResponse({
    description: 'A chat.completion object, or a text/event-stream of chat.completion.chunk events.',
  })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.chat.chat(caller, body, req, res);
  }

  @Post('completions')
  @HttpCode(200)
  @ApiOperation({ summary: 'OpenAI legacy text completions (OpenAI-compatible providers).' })
  @ApiBody({ schema: { type: 'object', example: { model: 'simulator/sim-gpt', prompt: 'Say hi' } } })
  async completions(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.chat.completion(caller, body, req, res);
  }
}
