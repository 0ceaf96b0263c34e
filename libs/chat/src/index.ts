export { ChatModule } from './chat.module.js';
export { ChatController } from './chat.controller.js';
export { ChatService, type ChatPreparer, type NativeCall } from './chat.service.js';
export {
  FREE_METERING,
  METERING,
  type Metering,
  type MeteringHandle,
  type MeteringRequest,
  type MeteredStep,
  type MeteredStepBound,
  type MeteredUsage,
} from './metering.js';
export { OPENAI_CHAT_OUTPUT, sendJson, type ChatOutput, type ChunkSink } from './chat-output.js';
export { SseWriter, startEventStream, writeEvents } from './sse-writer.js';
export { midStreamEnvelope, type UsageLike } from './stream-relay.js';
export { callContextFor } from './call-context.js';
export { compileValidator } from './request-validation.js';
export { MODEL_NAME_SCHEMA } from './chat.schema.js';
export { countPromptTokens, countTextTokens } from './token-estimate.js';
export { CreditsMetering } from './credits-metering.js';
