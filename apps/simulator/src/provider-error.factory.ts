import { cohereError } from './cohere.errors.js';
import type { ErrorKind } from './fault.parser.js';
import { gigachatError } from './gigachat.errors.js';
import type { WireFormat } from './simulator.types.js';

/** An error response ready to send: status plus the provider's own JSON body. */
export interface ProviderError {
  status: number;
  body: unknown;
}

/** Extra detail for an error: a special kind, a message override, the offending parameter. */
export interface ErrorDetail {
  kind?: ErrorKind | null;
  message?: string;
  param?: string | null;
  model?: string | null;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Invalid request.',
  401: 'Invalid authentication: the API key is missing or not valid.',
  403: 'You do not have permission to use this resource.',
  404: 'The requested resource was not found.',
  408: 'The request timed out.',
  409: 'The request conflicts with the current state of the resource.',
  413: 'Request too large.',
  422: 'The request could not be processed.',
  429: 'Rate limit reached. Please try again later.',
  500: 'The server had an error while processing your request.',
  502: 'Bad gateway.',
  503: 'The engine is currently overloaded, please try again later.',
  504: 'The upstream timed out.',
  529: 'Overloaded.',
};

function defaultMessage(status: number, model: string | null | undefined): string {
  if (status === 404 && model)
    return `The model \`${model}\` does not exist or you do not have access to it.`;
  return DEFAULT_MESSAGES[status] ?? (status >= 500 ? 'Server error.' : 'Request failed.');
}

// OpenAI's [type, code] per status, as its API reports them.
const OPENAI_TYPES: Record<number, [string, string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  403: ['permission_error', 'permission_denied'],
  404: ['invalid_request_error', 'model_not_found'],
  408: ['timeout_error', 'timeout'],
  409: ['invalid_request_error', 'conflict'],
  413: ['invalid_request_error', 'request_too_large'],
  422: ['invalid_request_error', 'unprocessable_entity'],
  429: ['requests', 'rate_limit_exceeded'],
  500: ['server_error', 'server_error'],
  502: ['server_error', 'bad_gateway'],
  503: ['server_error', 'overloaded'],
  504: ['server_error', 'timeout'],
  529: ['server_error', 'overloaded'],
};

const GEMINI_STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
  529: 'UNAVAILABLE',
};

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

function openaiError(status: number, detail: ErrorDetail): ProviderError {
  if (detail.kind === 'context_length') {
    const message =
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 128001 tokens. " +
      'Please reduce the length of the messages.';
    return errorOf(400, {
      message,
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    });
  }
  if (detail.kind === 'content_filter') {
    const message = 'Your request was rejected as a result of our safety system.';
    return errorOf(400, { message, type: 'invalid_request_error', param: 'prompt', code: 'content_filter' });
  }
  const [type, code] = OPENAI_TYPES[status] ?? [
    status >= 500 ? 'server_error' : 'invalid_request_error',
    null,
  ];
  const message = detail.message ?? defaultMessage(status, detail.model);
  return errorOf(status, { message, type, param: detail.param ?? null, code });
}

function errorOf(status: number, error: Record<string, unknown>): ProviderError {
  return { status, body: { error } };
}

function geminiError(status: number, detail: ErrorDetail): ProviderError {
  if (detail.kind === 'context_length') {
    const message = 'The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).';
    return errorOf(400, { code: 400, message, status: 'INVALID_ARGUMENT' });
  }
  if (detail.kind === 'content_filter') {
    const message = 'The request was blocked by the safety filters.';
    return errorOf(400, { code: 400, message, status: 'INVALID_ARGUMENT' });
  }
  const code = GEMINI_STATUSES[status] ?? (status >= 500 ? 'UNKNOWN' : 'FAILED_PRECONDITION');
  return errorOf(status, {
    code: status,
    message: detail.message ?? defaultMessage(status, detail.model),
    status: code,
  });
}

function anthropicError(status: number, detail: ErrorDetail): ProviderError {
  if (detail.kind === 'context_length') {
    const error = {
      type: 'invalid_request_error',
      message: 'prompt is too long: 200001 tokens > 200000 maximum',
    };
    return { status: 400, body: { type: 'error', error } };
  }
  if (detail.kind === 'content_filter') {
    const error = { type: 'invalid_request_error', message: 'Output blocked by content filtering policy' };
    return { status: 400, body: { type: 'error', error } };
  }
  const type = ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  const error = { type, message: detail.message ?? defaultMessage(status, detail.model) };
  return { status, body: { type: 'error', error } };
}

/** Builds the error body a real provider sends for this status (control requests use the OpenAI shape). */
export function providerError(format: WireFormat, status: number, detail: ErrorDetail = {}): ProviderError {
  switch (format) {
    case 'gemini':
      return geminiError(status, detail);
    case 'anthropic':
      return anthropicError(status, detail);
    case 'cohere':
      return cohereError(status, detail, defaultMessage(status, detail.model));
    case 'gigachat':
      return gigachatError(status, detail, defaultMessage(status, detail.model));
    case 'openai':
    case 'control':
      return openaiError(status, detail);
  }
}

/** The 401 for a missing, invalidated or unknown key, in the provider's wording. */
export function authError(format: WireFormat, apiKey: string | null): ProviderError {
  if (format === 'openai' || format === 'control') {
    const message =
      apiKey === null
        ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth."
        : `Incorrect API key provided: ${maskKey(apiKey)}.`;
    return providerError(format, 401, { message });
  }
  if (format === 'gemini') {
    const message =
      apiKey === null
        ? 'Method does not allow unregistered callers.'
        : 'API key not valid. Please pass a valid API key.';
    return providerError(format, 401, { message });
  }
  if (format === 'cohere') {
    return providerError(format, 401, {
      message: apiKey === null ? 'no api key supplied' : 'invalid api token',
    });
  }
  if (format === 'gigachat') {
    return providerError(format, 401, {
      message: apiKey === null ? 'Token has expired' : 'Authorization key is not valid',
    });
  }
  return providerError(format, 401, {
    message: apiKey === null ? 'x-api-key header is required' : 'invalid x-api-key',
  });
}

function maskKey(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 3)}****${key.slice(-4)}`;
}
