export { FilesModule } from './files.module.js';
export { FilesService, toFileObject, type FileObject } from './files.service.js';
export { FileEntity, FILES_ENTITIES } from './file.entity.js';
export { FILE_STORAGE, type FileStorage } from './storage/file-storage.js';
export { LocalDiskStorage } from './storage/local-disk.storage.js';
export { sniff } from './sniff.js';
export { extractTextOf, htmlToText } from './extract.js';
