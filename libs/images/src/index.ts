export { ImagesModule } from './images.module.js';
export { ImagesService } from './images.service.js';
export { ImageStore } from './image-store.js';
export { MediaMetering, type MediaMeter, type MediaReservation } from './media-metering.js';
