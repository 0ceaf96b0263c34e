import { Module } from '@nestjs/common';
import { CreditsModule } from '@switchyard/credits';
import { ImageStore } from './image-store.js';
import { ImagesController } from './images.controller.js';
import { ImagesService } from './images.service.js';
import { MediaMetering } from './media-metering.js';
import { VisionBridge } from './vision-bridge.js';

/** /v1/images: generation, and the signed URLs of stored images. */
@Module({
  imports: [CreditsModule],
  controllers: [ImagesController],
  providers: [ImagesService, ImageStore, MediaMetering, VisionBridge],
  exports: [ImagesService, ImageStore, MediaMetering, VisionBridge],
})
export class ImagesModule {}
