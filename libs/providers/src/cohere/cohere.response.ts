import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { ProviderError } from '../provider.port.js';
import { nowSeconds, randomId } from '../shared/ids.js';
import type { CohereChatResponse, CohereStreamEvent, CohereToolCall, CohereUsage } from './cohere.types.js';

type FinishReason = ChatCompletion.Choice['finish_reason'];

/**
 * Cohere's finish_reason in OpenAI's words. `ERROR` and `TIMEOUT` are failures of the upstream,
 * not answers: they throw a retryable `server` error.
 */
export function finishReasonOf(reason: string | undefined, provider: string): FinishReason {
  switch (reason) {
    case 'MAX_TOKENS':
      return 'length';
    case 'TOOL_CALL':
      return 'tool_calls';
    case 'ERROR':
    case 'TIMEOUT':
      throw new ProviderError('server', `${provider}: the upstream ended the answer with ${reason}.`, {
        provider,
        upstreamCode: reason,
      });
    case undefined:
    default:
      // COMPLETE, STOP_SEQUENCE
      return 'stop';
  }
}

/** Usage as Cohere bills it (`billed_units`), else the model's token counts. */
export function usageOf(usage: CohereUsage | undefined): CompletionUsage | undefined {
  const counted = usage?.billed_units ?? usage?.tokens;
  if (!counted) return undefined;
  const prompt = counted.input_tokens ?? usage?.tokens?.input_tokens ?? 0;
  const completion = counted.output_tokens ?? usage?.tokens?.output_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function toolCallOf(call: CohereToolCall): ChatCompletionMessageToolCall {
  return {
    id: call.id || `call_${randomId()}`,
    type: 'function',
    function: { name: call.function?.name ?? '', arguments: call.function?.arguments || '{}' },
  };
}

/** A `/v2/chat` answer as an OpenAI chat completion; the tool plan is the message's reasoning. */
export function toChatCompletion(
  response: CohereChatResponse,
  model: string,
  provider: string,
): ChatCompletion {
  const message = response.message ?? {};
  const text = (message.content ?? [])
    .filter((c) => c.type === 'text' || c.type === undefined)
    .map((c) => c.text ?? '')
    .join('');
  const toolCalls = (message.tool_calls ?? []).map(toolCallOf);
  const usage = usageOf(response.usage);
  return {
    id: `chatcmpl-${response.id ?? randomId()}`,
    object: 'chat.completion',
    created: nowSeconds(),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: toolCalls.length > 0 && text === '' ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(message.tool_plan ? { reasoning_content: message.tool_plan } : {}),
        },
        logprobs: null,
        finish_reason: finishReasonOf(response.finish_reason, provider),
      },
    ],
    ...(usage ? { usage } : {}),
  };
}

/**
 * Turns Cohere v2 stream events into OpenAI chunks as they come: `message-start` is the role
 * chunk, `content-delta` content, `tool-plan-delta` reasoning, `tool-call-start` a tool call's
 * id and name and `tool-call-delta` its argument pieces (OpenAI's tool_calls deltas, indexed as
 * Cohere indexes them), `message-end` the finish chunk and, when asked, the usage chunk.
 * `content-start`/`-end`, `tool-call-end` and citation events carry nothing to relay.
 */
export class CohereStreamMapper {
  private id = `chatcmpl-${randomId()}`;
  private readonly created = nowSeconds();
  private started = false;
  private finished = false;

  constructor(
    private readonly model: string,
    private readonly provider: string,
    private readonly includeUsage: boolean,
  ) {}

  private chunk(
    delta: ChatCompletionChunk.Choice.Delta,
    finish: FinishReason | null = null,
  ): ChatCompletionChunk {
    const role = this.started ? {} : { role: 'assistant' as const };
    this.started = true;
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta: { ...role, ...delta }, finish_reason: finish, logprobs: null }],
    };
  }

  /** Whether `message-end` arrived (a stream that ends without it was cut). */
  get complete(): boolean {
    return this.finished;
  }

  /** The OpenAI chunks for one Cohere event. */
  map(event: CohereStreamEvent): ChatCompletionChunk[] {
    const message = event.delta?.message;
    switch (event.type) {
      case 'message-start':
        if (event.id) this.id = `chatcmpl-${event.id}`;
        return [this.chunk({ content: '' })];
      case 'content-start':
      case 'content-delta': {
        const text = message?.content?.text ?? '';
        return text === '' ? [] : [this.chunk({ content: text })];
      }
      case 'tool-plan-delta': {
        const plan = message?.tool_plan ?? '';
        return plan === ''
          ? []
          : [this.chunk({ reasoning_content: plan } as ChatCompletionChunk.Choice.Delta)];
      }
      case 'tool-call-start': {
        const call = message?.tool_calls;
        return [
          this.chunk({
            tool_calls: [
              {
                index: event.index ?? 0,
                id: call?.id || `call_${randomId()}`,
                type: 'function',
                function: { name: call?.function?.name ?? '', arguments: call?.function?.arguments ?? '' },
              },
            ],
          }),
        ];
      }
      case 'tool-call-delta': {
        const args = message?.tool_calls?.function?.arguments ?? '';
        return args === ''
          ? []
          : [this.chunk({ tool_calls: [{ index: event.index ?? 0, function: { arguments: args } }] })];
      }
      case 'message-end': {
        this.finished = true;
        const finish = finishReasonOf(event.delta?.finish_reason, this.provider);
        const out = [this.chunk({}, finish)];
        const usage = usageOf(event.delta?.usage);
        if (this.includeUsage && usage) {
          out.push({
            id: this.id,
            object: 'chat.completion.chunk',
            created: this.created,
            model: this.model,
            choices: [],
            usage,
          });
        }
        return out;
      }
      case undefined:
      default:
        return [];
    }
  }
}
