import { Body, Controller, HttpCode, Post, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import type { Request, Response } from 'express';
import { AudioService, type AudioUpload } from './audio.service.js';

@ApiTags('openai')
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller('v1/audio')
export class AudioController {
  constructor(private readonly audio: AudioService) {}

  @Post('speech')
  @HttpCode(200)
  @ApiOperation({ summary: 'Text to speech: the audio bytes, charged per character.' })
  @ApiBody({
    schema: { type: 'object', example: { model: 'simulator/sim-tts', input: 'Hello there', voice: 'alloy' } },
  })
  async speech(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.audio.speech(caller, body, req, res);
  }

  @Post('transcriptions')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'Speech to text (multipart: file, model; response_format json, text, verbose_json, srt, vtt).',
  })
  async transcriptions(
    @CurrentCaller() caller: Caller,
    @UploadedFile() file: AudioUpload | undefined,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.audio.transcription(caller, file, body, req, res);
  }
}
