import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@switchyard/core';
import { ImagesModule } from '@switchyard/images';
import { memoryStorage } from 'multer';
import { ChatAttachments } from './chat-attachments.js';
import { FileEntity } from './file.entity.js';
import { FilesController } from './files.controller.js';
import { FilesService } from './files.service.js';
import { FILE_STORAGE } from './storage/file-storage.js';
import { LocalDiskStorage } from './storage/local-disk.storage.js';

/**
 * /v1/files; in /v1/chat/completions, file parts replaced by their extracted text and images
 * bridged for models without vision.
 */
@Module({
  imports: [
    ImagesModule,
    TypeOrmModule.forFeature([FileEntity]),
    MulterModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        storage: memoryStorage(),
        limits: { fileSize: config.media.maxFileBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
      }),
    }),
  ],
  controllers: [FilesController],
  providers: [
    FilesService,
    ChatAttachments,
    {
      provide: FILE_STORAGE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new LocalDiskStorage(config.media.filesDir),
    },
  ],
  exports: [FilesService],
})
export class FilesModule {}
