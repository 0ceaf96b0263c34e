/**
 * The Responses API shapes Switchyard reads and writes, as far as it uses them. The `openai`
 * SDK's own types describe the full protocol; these are the subset the mappers build, kept loose
 * where a field is passed through.
 */

/** A chat message of the internal model (Chat Completions plus `reasoning_content`, `thinking_blocks`). */
export type InternalMessage = Record<string, unknown> & { role: string };

/** One output item of a Response. */
export type OutputItem =
  | {
      id: string;
      type: 'message';
      status: 'in_progress' | 'completed' | 'incomplete';
      role: 'assistant';
      content: Array<
        | { type: 'output_text'; text: string; annotations: unknown[]; logprobs: unknown[] }
        | { type: 'refusal'; refusal: string }
      >;
    }
  | {
      id: string;
      type: 'function_call';
      status: 'in_progress' | 'completed' | 'incomplete';
      call_id: string;
      name: string;
      arguments: string;
    }
  | {
      id: string;
      type: 'reasoning';
      summary: Array<{ type: 'summary_text'; text: string }>;
      content?: Array<{ type: 'reasoning_text'; text: string }>;
      encrypted_content?: string | null;
      status?: 'in_progress' | 'completed' | 'incomplete';
    };

/** The usage of a Response, with the gateway's charge (`cost`, credits as a decimal string). */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  cost?: string;
}

export type ResponseStatus = 'completed' | 'incomplete' | 'failed' | 'in_progress';

/** A Response object as the API returns it. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: false;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  service_tier: string;
  store: boolean;
  temperature: number | null;
  text: { format: Record<string, unknown> };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: 'disabled';
  usage: ResponseUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}

/** What a request fixes about its Response before any answer: the fields echoed back. */
export type ResponseEcho = Omit<
  ResponseObject,
  'status' | 'error' | 'incomplete_details' | 'output' | 'usage' | 'model'
> & {
  model: string;
};

/** The internal chat usage (Chat Completions, with the gateway's `cost`). */
export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  cost?: string;
}
