import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, Public, type Caller } from '@switchyard/auth';
import { NotFoundError, PermissionDeniedError } from '@switchyard/core';
import type { Request, Response } from 'express';
import { ImageStore } from './image-store.js';
import { ImagesService } from './images.service.js';

@ApiTags('openai')
@Controller('v1/images')
export class ImagesController {
  constructor(
    private readonly images: ImagesService,
    private readonly store: ImageStore,
  ) {}

  @Post('generations')
  @HttpCode(200)
  @ApiBearerAuth('bearer')
  @AllowApiKey()
  @ApiOperation({
    summary:
      'OpenAI image generation: n, size, quality, response_format url (signed gateway URL) or b64_json.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      example: { model: 'simulator/sim-image', prompt: 'a lighthouse at dusk', n: 1, response_format: 'url' },
    },
  })
  async generate(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.images.generate(caller, body, req, res);
  }

  /** A generated image, by its signed URL; the signature is the credential. */
  @Get(':file')
  @Public()
  @ApiOperation({ summary: 'A generated image (signed, expiring URL from /v1/images/generations).' })
  async serve(
    @Param('file') file: string,
    @Query('expires') expires: unknown,
    @Query('sig') sig: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const id = file.endsWith('.png') ? file.slice(0, -4) : '';
    const result = await this.store.open(id, expires, sig);
    if (result === 'missing') throw new NotFoundError('No such image.');
    if (result === 'forbidden') {
      throw new PermissionDeniedError('The image URL has expired or its signature is not valid.');
    }
    res.set({ 'content-type': 'image/png', 'cache-control': 'private, max-age=60' });
    res.status(200).send(result);
  }
}
