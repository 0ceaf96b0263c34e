/** GigaChat REST shapes (`/api/v1/chat/completions`, `/api/v2/oauth`), as far as the adapter uses them. */

export interface GigaChatFunctionCall {
  name?: string;
  /** An object, not OpenAI's JSON string. */
  arguments?: Record<string, unknown>;
}

export interface GigaChatMessage {
  role: 'system' | 'user' | 'assistant' | 'function';
  content: string;
  /** On `function` messages: the function whose result this is. */
  name?: string;
  function_call?: GigaChatFunctionCall;
}

export interface GigaChatFunction {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

export interface GigaChatRequest {
  model: string;
  messages: GigaChatMessage[];
  functions?: GigaChatFunction[];
  function_call?: 'auto' | 'none' | { name: string };
  stream?: boolean;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
}

export interface GigaChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  precached_prompt_tokens?: number;
}

export interface GigaChatChoice {
  index?: number;
  finish_reason?: string;
  message?: { role?: string; content?: string; function_call?: GigaChatFunctionCall };
  delta?: { role?: string; content?: string; function_call?: GigaChatFunctionCall };
}

/** A chat answer, and (with `delta` in place of `message`) one stream chunk. */
export interface GigaChatResponse {
  choices?: GigaChatChoice[];
  created?: number;
  model?: string;
  usage?: GigaChatUsage;
}

export interface GigaChatToken {
  access_token?: string;
  /** Unix milliseconds. */
  expires_at?: number;
}

export interface GigaChatErrorBody {
  status?: number;
  code?: number;
  message?: string;
}
