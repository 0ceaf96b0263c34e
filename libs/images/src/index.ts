export { ImagesModule } from './images.module.js';
export { ImagesService } from './images.service.js';
export { ImageStore } from './image-store.js';
export { MediaMetering, type MediaMeter, type MediaReservation } from './media-metering.js';
export { VisionBridge } from './vision-bridge.js';
export { dataUrlLength, decodeImageDataUrl, imageTypeOf, safeFetch } from './safe-fetch.js';
