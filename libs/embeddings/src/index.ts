export { EmbeddingsModule } from './embeddings.module.js';
export { EmbeddingsService } from './embeddings.service.js';
