import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { ProviderError } from '../provider.port.js';
import { nowSeconds, randomId } from '../shared/ids.js';
import type { GigaChatFunctionCall, GigaChatResponse, GigaChatUsage } from './gigachat.types.js';

type FinishReason = ChatCompletion.Choice['finish_reason'];

/** GigaChat's finish_reason in OpenAI's words (`blacklist`: its censor replaced the answer). */
export function finishReasonOf(reason: string | undefined, provider: string): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'function_call':
      return 'tool_calls';
    case 'blacklist':
      return 'content_filter';
    case 'error':
      throw new ProviderError('server', `${provider}: the upstream ended the answer with an error.`, {
        provider,
        upstreamCode: 'error',
      });
    case undefined:
    default:
      return 'stop';
  }
}

/** GigaChat's usage as OpenAI's (its cached-token count is not billed and not reported here). */
export function usageOf(usage: GigaChatUsage | undefined): CompletionUsage | undefined {
  if (!usage) return undefined;
  const prompt = usage.prompt_tokens ?? 0;
  const completion = usage.completion_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function toolCallOf(call: GigaChatFunctionCall): ChatCompletionMessageFunctionToolCall {
  return {
    id: `call_${randomId()}`,
    type: 'function',
    function: { name: call.name ?? '', arguments: JSON.stringify(call.arguments ?? {}) },
  };
}

/**
 * A GigaChat answer as an OpenAI chat completion. A `blacklist` answer is GigaChat's canned
 * refusal, not the model's reply: it is a `content_filter` error, as a blocked prompt is for Gemini.
 */
export function toChatCompletion(
  response: GigaChatResponse,
  model: string,
  provider: string,
): ChatCompletion {
  const choices = (response.choices ?? []).map((choice, i): ChatCompletion.Choice => {
    if (choice.finish_reason === 'blacklist') {
      throw new ProviderError(
        'content_filter',
        `${provider}: the upstream refused the content (blacklist).`,
        {
          provider,
          upstreamCode: 'blacklist',
        },
      );
    }
    const call = choice.message?.function_call;
    const text = choice.message?.content ?? '';
    return {
      index: choice.index ?? i,
      message: {
        role: 'assistant',
        content: call && text === '' ? null : text,
        refusal: null,
        ...(call ? { tool_calls: [toolCallOf(call)] } : {}),
      },
      logprobs: null,
      finish_reason: finishReasonOf(choice.finish_reason, provider),
    };
  });
  const usage = usageOf(response.usage);
  return {
    id: `chatcmpl-${randomId()}`,
    object: 'chat.completion',
    created: response.created ?? nowSeconds(),
    model,
    choices,
    ...(usage ? { usage } : {}),
  };
}

/**
 * GigaChat stream chunks as OpenAI chunks: the role on the first, content deltas as they come, a
 * function call (which GigaChat sends whole) as one tool_calls delta, the finish reason in a
 * chunk of its own, and the usage chunk at the end when asked.
 */
export class GigaChatStreamMapper {
  private readonly id = `chatcmpl-${randomId()}`;
  private readonly created = nowSeconds();
  private started = false;
  private usage: CompletionUsage | undefined;

  constructor(
    private readonly model: string,
    private readonly provider: string,
    private readonly includeUsage: boolean,
  ) {}

  private chunk(
    delta: ChatCompletionChunk.Choice.Delta,
    finish: FinishReason | null,
    index = 0,
  ): ChatCompletionChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index, delta, finish_reason: finish, logprobs: null }],
    };
  }

  map(response: GigaChatResponse): ChatCompletionChunk[] {
    this.usage = usageOf(response.usage) ?? this.usage;
    const out: ChatCompletionChunk[] = [];
    for (const choice of response.choices ?? []) {
      const index = choice.index ?? 0;
      const text = choice.delta?.content ?? '';
      const call = choice.delta?.function_call;
      if (text !== '' || call || !this.started) {
        const delta: ChatCompletionChunk.Choice.Delta = {
          ...(this.started ? {} : { role: 'assistant' as const }),
          ...(text !== '' || !call ? { content: text } : {}),
          ...(call ? { tool_calls: [{ index: 0, ...toolCallOf(call) }] } : {}),
        };
        this.started = true;
        out.push(this.chunk(delta, null, index));
      }
      if (choice.finish_reason)
        out.push(this.chunk({}, finishReasonOf(choice.finish_reason, this.provider), index));
    }
    return out;
  }

  finish(): ChatCompletionChunk[] {
    if (!this.includeUsage || !this.usage) return [];
    return [
      {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        choices: [],
        usage: this.usage,
      },
    ];
  }
}
