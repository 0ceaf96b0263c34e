export * from './api-error.js';
export { toApiError } from './error-mapping.js';
export { OpenAiExceptionFilter, writeError, type ErrorRenderer } from './openai-exception.filter.js';
