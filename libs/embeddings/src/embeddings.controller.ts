import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import type { Request, Response } from 'express';
import { EmbeddingsService } from './embeddings.service.js';

@ApiTags('openai')
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller('v1')
export class EmbeddingsController {
  constructor(private readonly embeddings: EmbeddingsService) {}

  @Post('embeddings')
  @HttpCode(200)
  @ApiOperation({
    summary: 'OpenAI embeddings: a string, strings, or token arrays; dimensions and base64 supported.',
  })
  @ApiBody({
    schema: { type: 'object', example: { model: 'simulator/sim-embed', input: 'The quick brown fox' } },
  })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.embeddings.create(caller, body, req, res);
  }
}
