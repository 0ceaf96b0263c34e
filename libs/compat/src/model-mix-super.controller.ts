import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import { ConflictError, NotFoundError } from '@switchyard/core';
import { FilesService, type FileObject } from '@switchyard/files';
import { COMPAT_TAG } from './compat.constants.js';

/** What multer hands over (the files lib's Upload). */
type Upload = Parameters<FilesService['upload']>[1];

/** ModelMixSuper's file management: /v1/files under its own paths, deleting by file name. */
@ApiTags(COMPAT_TAG)
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller('files')
export class ModelMixSuperFilesController {
  constructor(private readonly files: FilesService) {}

  @Post('upload')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'ModelMixSuper: POST /v1/files with multipart `file`; `purpose` defaults to assistants.',
  })
  upload(
    @CurrentCaller() caller: Caller,
    @UploadedFile() file: Upload,
    @Body() body: Record<string, unknown> | undefined,
  ): Promise<FileObject> {
    return this.files.upload(caller, file, body?.purpose ?? 'assistants');
  }

  @Get('list')
  @ApiOperation({ summary: 'ModelMixSuper: GET /v1/files (the files the caller can see, newest first).' })
  list(@CurrentCaller() caller: Caller) {
    return this.files.list(caller, {});
  }

  @Delete(':filename')
  @ApiOperation({
    summary:
      'ModelMixSuper: delete a file by its name among your files; several with that name: 409 listing their ids.',
  })
  async delete(@CurrentCaller() caller: Caller, @Param('filename') filename: string) {
    const matches = await this.files.withFilename(caller, filename);
    if (matches.length === 0) {
      throw new NotFoundError(`No file named '${filename}'.`, { param: 'filename' });
    }
    if (matches.length > 1) {
      const ids = matches.map((f) => f.id);
      throw new ConflictError(
        `${matches.length} files are named '${filename}': ${ids.join(', ')}. Delete one by id: DELETE /v1/files/{id}.`,
        { param: 'filename', code: 'ambiguous_filename', details: { file_ids: ids } },
      );
    }
    return this.files.delete(caller, matches[0]!.id);
  }
}
