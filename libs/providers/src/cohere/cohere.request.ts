import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { InternalChatRequest } from '../model/internal-model.js';
import { badRequest, jsonRequestOf, maxTokensOf, plainText, stopList } from '../shared/chat-request.util.js';
import type { CohereChatRequest, CohereContent, CohereMessage, CohereTool } from './cohere.types.js';

function userContent(
  content: string | ChatCompletionContentPart[],
  provider: string,
  index: number,
): string | CohereContent[] {
  if (typeof content === 'string') return content;
  return content.map((part, p): CohereContent => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    if (part.type === 'image_url') {
      const detail = part.image_url.detail;
      return { type: 'image_url', image_url: { url: part.image_url.url, ...(detail ? { detail } : {}) } };
    }
    throw badRequest(
      provider,
      `Cohere takes text and image parts only, not '${part.type}'.`,
      `messages[${index}].content[${p}]`,
    );
  });
}

function toCohereMessage(
  message: ChatCompletionMessageParam,
  provider: string,
  index: number,
): CohereMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: plainText(message.content) };
    case 'user':
      return { role: 'user', content: userContent(message.content, provider, index) };
    case 'assistant': {
      const calls = (message.tool_calls ?? []).flatMap((call) =>
        call.type === 'function'
          ? [
              {
                id: call.id,
                type: 'function' as const,
                function: { name: call.function.name, arguments: call.function.arguments },
              },
            ]
          : [],
      );
      const text = plainText(message.content);
      // The internal model's reasoning on a tool-calling turn is Cohere's tool plan, sent back as such.
      const plan = (message as { reasoning_content?: unknown }).reasoning_content;
      return {
        role: 'assistant',
        ...(text !== '' ? { content: text } : {}),
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
        ...(calls.length > 0 && typeof plan === 'string' && plan !== '' ? { tool_plan: plan } : {}),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id, content: plainText(message.content) };
    case 'function':
      throw badRequest(
        provider,
        "the deprecated 'function' role is not supported by Cohere: use tools.",
        `messages[${index}].role`,
      );
  }
}

function toolsOf(
  body: ChatCompletionCreateParams,
  provider: string,
): Pick<CohereChatRequest, 'tools' | 'tool_choice'> {
  if (body.functions !== undefined) {
    throw badRequest(
      provider,
      "the deprecated 'functions' field is not supported by Cohere: use tools.",
      'functions',
    );
  }
  let tools: CohereTool[] = (body.tools ?? []).flatMap((tool) =>
    tool.type === 'function'
      ? [
          {
            type: 'function' as const,
            function: {
              name: tool.function.name,
              ...(tool.function.description ? { description: tool.function.description } : {}),
              parameters: tool.function.parameters ?? { type: 'object', properties: {} },
            },
          },
        ]
      : [],
  );
  const choice = body.tool_choice;
  let toolChoice: CohereChatRequest['tool_choice'];
  if (choice === 'none') toolChoice = 'NONE';
  else if (choice === 'required') toolChoice = 'REQUIRED';
  else if (typeof choice === 'object' && choice !== null && choice.type === 'function') {
    // Cohere cannot name a tool: offering only that one and requiring a call means the same.
    tools = tools.filter((t) => t.function.name === choice.function.name);
    if (tools.length === 0)
      throw badRequest(
        provider,
        `tool_choice names '${choice.function.name}', which is not in tools.`,
        'tool_choice',
      );
    toolChoice = 'REQUIRED';
  }
  return {
    ...(tools.length > 0 ? { tools } : {}),
    ...(tools.length > 0 && toolChoice ? { tool_choice: toolChoice } : {}),
  };
}

/** An internal (Chat Completions) request as Cohere's v2 `/v2/chat` body. */
export function toCohereRequest(body: InternalChatRequest, provider: string): CohereChatRequest {
  if ((body.n ?? 1) !== 1) throw badRequest(provider, 'Cohere returns one choice: n must be 1.', 'n');
  const json = jsonRequestOf(body);
  const stop = stopList(body.stop);
  const maxTokens = maxTokensOf(body);
  const request: CohereChatRequest = {
    model: body.model,
    messages: body.messages.map((m, i) => toCohereMessage(m, provider, i)),
    ...toolsOf(body, provider),
    ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    ...(stop ? { stop_sequences: stop } : {}),
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === 'number' ? { p: body.top_p } : {}),
    ...(typeof body.top_k === 'number' ? { k: body.top_k } : {}),
    ...(typeof body.seed === 'number' ? { seed: body.seed } : {}),
    ...(typeof body.frequency_penalty === 'number' ? { frequency_penalty: body.frequency_penalty } : {}),
    ...(typeof body.presence_penalty === 'number' ? { presence_penalty: body.presence_penalty } : {}),
  };
  if (json.kind === 'object') request.response_format = { type: 'json_object' };
  if (json.kind === 'schema') request.response_format = { type: 'json_object', json_schema: json.schema };
  if (body.stream) request.stream = true;
  return request;
}
