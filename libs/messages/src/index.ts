export { MessagesModule } from './messages.module.js';
export { MessagesController } from './messages.controller.js';
export { MessagesService, MESSAGES_OUTPUT } from './messages.service.js';
export { writeAnthropicError, anthropicErrorOf, AnthropicExceptionFilter } from './messages.errors.js';
export {
  callerPath,
  internalPrompt,
  toInternalRequest,
  type MessagesRequest,
  type Origin,
} from './messages.request.js';
export { toMessage } from './messages.response.js';
export { MessagesEventMapper, MessagesStreamSink } from './messages.stream.js';
