export { EmbeddingsModule } from './embeddings.module.js';
export { EmbeddingsService } from './embeddings.service.js';
export { RerankService } from './rerank.service.js';
