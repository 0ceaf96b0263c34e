export { ResponsesModule } from './responses.module.js';
export { ResponsesService } from './responses.service.js';
export { RESPONSES_ENTITIES, ResponseEntity } from './response.entity.js';
