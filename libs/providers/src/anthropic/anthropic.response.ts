import type { Message, RawMessageStreamEvent, StopReason, Usage } from '@anthropic-ai/sdk/resources/messages';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { nowSeconds } from '../shared/ids.js';
import { JSON_TOOL } from './anthropic.request.js';
import type { ThinkingBlock } from '../model/internal-model.js';

type FinishReason = ChatCompletion.Choice['finish_reason'];
/** A delta with the internal model's extensions (`reasoning_content`, `thinking_blocks`). */
type Delta = ChatCompletionChunk.Choice.Delta;

/** Anthropic's stop_reason in OpenAI's words. */
export function finishReasonOf(reason: StopReason | null, calledTools: boolean): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return calledTools ? 'tool_calls' : 'stop';
    case 'refusal':
      return 'content_filter';
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
    case null:
      return 'stop';
  }
}

type UsageCounts = Pick<Usage, 'input_tokens' | 'output_tokens'> &
  Partial<Pick<Usage, 'cache_read_input_tokens' | 'cache_creation_input_tokens' | 'cache_creation'>>;

/**
 * OpenAI's usage with the prompt-cache writes Switchyard prices: `cache_write_tokens` (the name
 * OpenRouter reports them under) and the 1-hour part of them, both included in `prompt_tokens`.
 */
export type CacheUsage = CompletionUsage & {
  prompt_tokens_details?: CompletionUsage.PromptTokensDetails & {
    cache_write_tokens?: number;
    cache_write_1h_tokens?: number;
  };
};

/**
 * Anthropic usage as OpenAI's: cache reads and writes are prompt tokens too, as OpenAI counts
 * them; reads are `cached_tokens`, writes `cache_write_tokens` with their 1-hour part (from
 * `cache_creation.ephemeral_1h_input_tokens`; without that split every write is a 5-minute one,
 * the default TTL).
 */
export function usageOf(usage: UsageCounts): CacheUsage {
  const cached = usage.cache_read_input_tokens ?? 0;
  const written = usage.cache_creation_input_tokens ?? 0;
  const prompt = usage.input_tokens + cached + written;
  const written1h = Math.min(usage.cache_creation?.ephemeral_1h_input_tokens ?? 0, written);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: {
      cached_tokens: cached,
      ...(written > 0 ? { cache_write_tokens: written } : {}),
      ...(written1h > 0 ? { cache_write_1h_tokens: written1h } : {}),
    },
  };
}

/** An Anthropic message as an OpenAI chat completion (id prefixed, so it reads as OpenAI's). */
export function toChatCompletion(message: Message): ChatCompletion {
  let text = '';
  let reasoning = '';
  const thinking: ThinkingBlock[] = [];
  const toolCalls: ChatCompletionMessageToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'thinking') {
      reasoning += block.thinking;
      thinking.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    } else if (block.type === 'redacted_thinking')
      thinking.push({ type: 'redacted_thinking', data: block.data });
    else if (block.type === 'tool_use' && block.name === JSON_TOOL) text += JSON.stringify(block.input);
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input) },
      });
    }
  }
  return {
    id: `chatcmpl-${message.id}`,
    object: 'chat.completion',
    created: nowSeconds(),
    model: message.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: toolCalls.length > 0 && text === '' ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(thinking.length > 0 ? { reasoning_content: reasoning, thinking_blocks: thinking } : {}),
        },
        logprobs: null,
        finish_reason: finishReasonOf(message.stop_reason, toolCalls.length > 0),
        ...stopSequenceOf(message.stop_reason, message.stop_sequence),
      },
    ],
    usage: usageOf(message.usage),
  };
}

/** The internal model's `stop_sequence` on a choice: which stop sequence ended the answer. */
function stopSequenceOf(reason: StopReason | null, sequence: string | null | undefined) {
  return reason === 'stop_sequence' && typeof sequence === 'string' ? { stop_sequence: sequence } : {};
}

/** What a streamed content block turns into. */
type BlockRole =
  | { kind: 'text' }
  | { kind: 'json' }
  | { kind: 'tool'; index: number }
  | { kind: 'thinking' }
  | { kind: 'other' };

/**
 * Anthropic stream events as OpenAI chunks, one for one: message_start gives the role chunk,
 * text deltas content deltas, a tool_use block start a tool_calls head (id, name) and its
 * input_json_delta events argument deltas, message_delta the finish chunk; message_stop adds the
 * `choices: []` usage chunk when asked for. The JSON-mode tool streams as content.
 */
export class AnthropicStreamMapper {
  private id = '';
  private model = '';
  private readonly created = nowSeconds();
  private readonly blocks = new Map<number, BlockRole>();
  private toolCalls = 0;
  private usage: UsageCounts = { input_tokens: 0, output_tokens: 0 };

  constructor(private readonly includeUsage: boolean) {}

  private chunk(choices: ChatCompletionChunk.Choice[], usage?: CompletionUsage): ChatCompletionChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices,
      ...(usage ? { usage } : {}),
    };
  }

  private delta(delta: ChatCompletionChunk.Choice.Delta): ChatCompletionChunk {
    return this.chunk([{ index: 0, delta, finish_reason: null, logprobs: null }]);
  }

  map(event: RawMessageStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'message_start':
        this.id = `chatcmpl-${event.message.id}`;
        this.model = event.message.model;
        this.usage = { ...event.message.usage };
        return [this.delta({ role: 'assistant', content: '' })];
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') {
          this.blocks.set(event.index, { kind: 'text' });
          return block.text ? [this.delta({ content: block.text })] : [];
        }
        if (block.type === 'tool_use' && block.name === JSON_TOOL) {
          this.blocks.set(event.index, { kind: 'json' });
          return [];
        }
        if (block.type === 'tool_use') {
          const index = this.toolCalls++;
          this.blocks.set(event.index, { kind: 'tool', index });
          const head = {
            index,
            id: block.id,
            type: 'function' as const,
            function: { name: block.name, arguments: '' },
          };
          return [this.delta({ tool_calls: [head] })];
        }
        if (block.type === 'thinking') {
          this.blocks.set(event.index, { kind: 'thinking' });
          return block.thinking ? [this.delta({ reasoning_content: block.thinking } as Delta)] : [];
        }
        if (block.type === 'redacted_thinking') {
          this.blocks.set(event.index, { kind: 'other' });
          return [
            this.delta({ thinking_blocks: [{ type: 'redacted_thinking', data: block.data }] } as Delta),
          ];
        }
        this.blocks.set(event.index, { kind: 'other' });
        return [];
      }
      case 'content_block_delta': {
        const role = this.blocks.get(event.index);
        const delta = event.delta;
        if (delta.type === 'text_delta') return [this.delta({ content: delta.text })];
        if (delta.type === 'thinking_delta')
          return [this.delta({ reasoning_content: delta.thinking } as Delta)];
        if (delta.type === 'signature_delta') {
          const signed: ThinkingBlock = { type: 'thinking', thinking: '', signature: delta.signature };
          return [this.delta({ thinking_blocks: [signed] } as Delta)];
        }
        if (delta.type !== 'input_json_delta' || delta.partial_json === '') return [];
        if (role?.kind === 'json') return [this.delta({ content: delta.partial_json })];
        if (role?.kind === 'tool') {
          return [
            this.delta({ tool_calls: [{ index: role.index, function: { arguments: delta.partial_json } }] }),
          ];
        }
        return [];
      }
      case 'content_block_stop':
        return [];
      case 'message_delta': {
        // message_delta usage is cumulative; input counts appear there only on some models.
        const usage = event.usage;
        this.usage = {
          input_tokens: usage.input_tokens ?? this.usage.input_tokens,
          output_tokens: usage.output_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens ?? this.usage.cache_read_input_tokens,
          cache_creation_input_tokens:
            usage.cache_creation_input_tokens ?? this.usage.cache_creation_input_tokens,
          cache_creation: this.usage.cache_creation,
        };
        const finish = finishReasonOf(event.delta.stop_reason, this.toolCalls > 0);
        const stop = stopSequenceOf(event.delta.stop_reason, event.delta.stop_sequence);
        return [this.chunk([{ index: 0, delta: {}, finish_reason: finish, logprobs: null, ...stop }])];
      }
      case 'message_stop':
        return this.includeUsage ? [this.chunk([], usageOf(this.usage))] : [];
    }
  }
}
