import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import { ChatService } from '@switchyard/chat';
import { API_PREFIX } from '@switchyard/core';
import { EmbeddingsService } from '@switchyard/embeddings';
import { ImagesService } from '@switchyard/images';
import type { Request, Response } from 'express';
import { COMPAT_TAG, requestKeyOf } from './compat.constants.js';
import { DefaultChatModel } from './default-model.js';

/**
 * IndoxRouter's model calls under the management prefix: each one is its /v1 twin (same
 * service, auth, limits, credits and errors). A chat with no `model` gets the default model.
 */
@ApiTags(COMPAT_TAG)
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller(API_PREFIX)
export class IndoxRouterController {
  constructor(
    private readonly chat: ChatService,
    private readonly embeddings: EmbeddingsService,
    private readonly images: ImagesService,
    private readonly defaultModel: DefaultChatModel,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'IndoxRouter: POST /v1/chat/completions; `model` may be left out (the default chat model).',
  })
  @ApiBody({ schema: { type: 'object', example: { messages: [{ role: 'user', content: 'Hello!' }] } } })
  async chatCompletions(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.chat.chat(caller, this.defaultModel.fill(caller, body, requestKeyOf(req.headers)), req, res);
  }

  @Post('completions')
  @HttpCode(200)
  @ApiOperation({ summary: 'IndoxRouter: POST /v1/completions.' })
  @ApiBody({ schema: { type: 'object', example: { model: 'simulator/sim-gpt', prompt: 'Say hi' } } })
  async completions(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.chat.completion(caller, body, req, res);
  }

  @Post('embeddings')
  @HttpCode(200)
  @ApiOperation({ summary: 'IndoxRouter: POST /v1/embeddings.' })
  @ApiBody({ schema: { type: 'object', example: { model: 'simulator/sim-embed', input: 'hello' } } })
  async createEmbeddings(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.embeddings.create(caller, body, req, res);
  }

  @Post('images/generations')
  @HttpCode(200)
  @ApiOperation({ summary: 'IndoxRouter: POST /v1/images/generations.' })
  @ApiBody({ schema: { type: 'object', example: { model: 'simulator/sim-image', prompt: 'a lighthouse' } } })
  async generateImages(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.images.generate(caller, body, req, res);
  }
}
