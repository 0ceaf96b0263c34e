export { startSimulator } from './simulator.server.js';
export type {
  KeyBehavior,
  RecordedRequest,
  Simulator,
  SimulatorOptions,
  WireFormat,
} from './simulator.types.js';
export { SIMULATOR_MODELS } from './openai-models.handler.js';
export { countPromptTokens, countTokens, TOKENS_PER_MESSAGE, TOKENS_PER_PROMPT } from './tokens.util.js';
export { parseFaultHeader, faultFromModel, type FaultSpec } from './fault.parser.js';
