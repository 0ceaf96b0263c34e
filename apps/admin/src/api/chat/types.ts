/**
 * The OpenAI chat wire format as the playground uses it. The OpenAPI document describes
 * /v1/chat/completions as OpenAI's own API (a free-form object), so these few shapes live here.
 */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'file'; file: { file_id: string } };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  stream: true;
  stream_options: { include_usage: true };
}

export interface ChatChunk {
  id?: string;
  model?: string;
  choices?: Array<{ index: number; delta?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens?: number; cost?: string } | null;
  error?: { message: string; type?: string; code?: string };
}

/** What the playground shows under an answer. */
export interface ChatStats {
  model?: string;
  provider?: string;
  route?: string;
  requestId?: string;
  ttftMs?: number;
  latencyMs?: number;
  promptTokens?: number;
  completionTokens?: number;
  cost?: string;
}
