import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import type { Response } from 'express';
import { FilesService, toFileObject, type Upload } from './files.service.js';

@ApiTags('openai')
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller('v1/files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post()
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'Upload a file (multipart: file, purpose). Text is extracted for PDF and text types.',
  })
  upload(
    @CurrentCaller() caller: Caller,
    @UploadedFile() file: Upload | undefined,
    @Body() body: Record<string, unknown> | undefined,
  ) {
    return this.files.upload(caller, file, body?.purpose);
  }

  @Get()
  @ApiOperation({ summary: 'Files the caller can see, newest first (purpose, limit, after, order).' })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: { purpose?: unknown; limit?: unknown; after?: unknown; order?: unknown },
  ) {
    return this.files.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One file object.' })
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return toFileObject(await this.files.get(caller, id));
  }

  @Get(':id/content')
  @ApiOperation({ summary: "The file's bytes, with its sniffed content type." })
  async content(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res() res: Response,
  ): Promise<void> {
    const { row, bytes } = await this.files.content(caller, id);
    res.set({
      'content-type': row.mime,
      'content-disposition': `attachment; filename="${row.filename.replace(/["\\\r\n]/g, '_')}"`,
      'x-content-type-options': 'nosniff',
    });
    res.status(200).send(bytes);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a file (metadata and bytes).' })
  delete(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.files.delete(caller, id);
  }
}
