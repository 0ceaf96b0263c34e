export { ResponsesModule } from './responses.module.js';
export { ResponsesController } from './responses.controller.js';
export { ResponsesService } from './responses.service.js';
export { RESPONSES_ENTITIES, ResponseEntity } from './response.entity.js';
