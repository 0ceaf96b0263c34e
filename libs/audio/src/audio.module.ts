import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { AppConfig } from '@switchyard/core';
import { ImagesModule } from '@switchyard/images';
import { memoryStorage } from 'multer';
import { AudioController } from './audio.controller.js';
import { AudioService } from './audio.service.js';

/** /v1/audio/speech and /v1/audio/transcriptions. */
@Module({
  imports: [
    ImagesModule,
    MulterModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        storage: memoryStorage(),
        limits: { fileSize: config.media.maxFileBytes, files: 1, fields: 20, fieldSize: 64 * 1024 },
      }),
    }),
  ],
  controllers: [AudioController],
  providers: [AudioService],
})
export class AudioModule {}
