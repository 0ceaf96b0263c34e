export { AudioModule } from './audio.module.js';
export { AudioService } from './audio.service.js';
export { toSrt, toVtt, worstCaseSeconds } from './audio-duration.js';
