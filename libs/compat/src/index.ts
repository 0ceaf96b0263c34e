export { CompatModule } from './compat.module.js';
export { COMPAT_TAG } from './compat.constants.js';
