import { trailingResults, type Conversation, type ToolChoice, type ToolSpec } from './conversation.types.js';
import type { Exchange } from './exchange.types.js';
import { sendResult } from './http.util.js';
import { asArray, asNumber, asRecord, asString, type JsonObject } from './json.util.js';
import { badRequest } from './bad-request.util.js';
import { personaPlan } from './openai-chat.handler.js';
import { openaiContentText } from './openai-chat.parser.js';
import { planReply, splitArguments, splitWords } from './reply.engine.js';
import { sendSse, type SseFrame } from './sse.writer.js';
import { countTokens } from './tokens.util.js';

const TOOL_CALL_ID = 'call_sim_0';
/** Built-in tool types the simulator answers itself (a search that always finds one page). */
const WEB_SEARCH = new Set(['web_search', 'web_search_preview', 'web_search_2025_08_26']);
const SEARCH_URL = 'https://search.sim.example/result';

/** The text of one input item, for prompt counting (as the chat formats count a message). */
function itemText(item: JsonObject): string {
  const type = item.type ?? (item.role !== undefined ? 'message' : '');
  switch (typeof type === 'string' ? type : '') {
    case 'message':
      return openaiContentText(item.content);
    case 'function_call':
      return `${asString(item.name) ?? ''} ${asString(item.arguments) ?? ''}`;
    case 'function_call_output':
      return typeof item.output === 'string' ? item.output : openaiContentText(item.output);
    default:
      return '';
  }
}

function toolsOf(body: JsonObject): { tools: ToolSpec[]; webSearch: boolean } {
  const tools: ToolSpec[] = [];
  let webSearch = false;
  for (const raw of asArray(body.tools)) {
    const tool = asRecord(raw);
    const name = asString(tool.name);
    if (tool.type === 'function' && name) tools.push({ name, parameters: tool.parameters });
    if (typeof tool.type === 'string' && WEB_SEARCH.has(tool.type)) webSearch = true;
  }
  return { tools, webSearch };
}

function toolChoiceOf(choice: unknown): ToolChoice {
  if (choice === 'none') return { mode: 'none' };
  if (choice === 'required') return { mode: 'required' };
  const name = asString(asRecord(choice).name);
  return asRecord(choice).type === 'function' && name ? { mode: 'named', name } : { mode: 'auto' };
}

/** Reads a Responses request (`instructions` and `input` items) into the provider-neutral conversation. */
export function parseResponsesRequest(body: JsonObject): Conversation {
  const items =
    typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : asArray(body.input);
  const records = items.map(asRecord);
  let lastUserText = '';
  for (const item of records) if (item.role === 'user') lastUserText = openaiContentText(item.content);
  const trailing = trailingResults(records, (item) => item.type === 'function_call_output', itemText);
  const instructions = asString(body.instructions);
  const format = asRecord(asRecord(body.text).format).type;
  return {
    messageTexts: [...(instructions ? [instructions] : []), ...records.map(itemText)],
    lastUserText,
    toolResult: trailing.length > 0 ? trailing.join(' ') : null,
    tools: toolsOf(body).tools,
    toolChoice: toolChoiceOf(body.tool_choice),
    maxTokens: asNumber(body.max_output_tokens),
    stop: [],
    json: format === 'json_object' || format === 'json_schema',
    assistantPrefix: null,
  };
}

type Item = JsonObject & { type: string; id: string };

/** The output items of a reply, in order: reasoning, a web search, the message or the function call. */
function outputItems(
  ex: Exchange,
  plan: ReturnType<typeof personaPlan>,
  conv: Conversation,
  webSearch: boolean,
): Item[] {
  const status = plan.finish === 'length' ? 'incomplete' : 'completed';
  const items: Item[] = [];
  if (plan.reasoning !== null)
    items.push({
      id: `rs_sim_${ex.seq}`,
      type: 'reasoning',
      summary: [],
      content: [{ type: 'reasoning_text', text: plan.reasoning }],
    });
  if (plan.toolCall) {
    items.push({
      id: `fc_sim_${ex.seq}`,
      type: 'function_call',
      status: 'completed',
      call_id: TOOL_CALL_ID,
      name: plan.toolCall.name,
      arguments: plan.toolCall.argsJson,
    });
    return items;
  }
  const searched = webSearch && conv.toolResult === null;
  if (searched)
    items.push({
      id: `ws_sim_${ex.seq}`,
      type: 'web_search_call',
      status: 'completed',
      action: { type: 'search', query: conv.lastUserText },
    });
  const annotations = searched
    ? [
        {
          type: 'url_citation',
          start_index: 0,
          end_index: plan.text.length,
          url: SEARCH_URL,
          title: 'Sim result',
        },
      ]
    : [];
  items.push({
    id: `msg_sim_${ex.seq}`,
    type: 'message',
    status,
    role: 'assistant',
    content: [{ type: 'output_text', text: plan.text, annotations, logprobs: [] }],
  });
  return items;
}

function responseObject(
  ex: Exchange,
  body: JsonObject,
  status: string,
  output: Item[],
  usage: JsonObject | null,
): JsonObject {
  return {
    id: `resp_sim_${ex.seq}`,
    object: 'response',
    created_at: ex.createdSec,
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: null,
    model: body.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: asRecord(body.reasoning).effort ?? null, summary: null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: asRecord(body.text).format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

/** The events of one output item, from `output_item.added` to `output_item.done`. */
function itemEvents(item: Item, index: number): JsonObject[] {
  const at = { item_id: item.id, output_index: index };
  const events: JsonObject[] = [];
  const added = { ...item, status: 'in_progress' };
  switch (item.type) {
    case 'reasoning': {
      const text = asString(asRecord(asArray(item.content)[0]).text) ?? '';
      const part = { type: 'reasoning_text', text };
      events.push({
        type: 'response.output_item.added',
        output_index: index,
        item: { ...item, content: [] },
      });
      events.push({
        type: 'response.content_part.added',
        ...at,
        content_index: 0,
        part: { ...part, text: '' },
      });
      for (const delta of splitWords(text))
        events.push({ type: 'response.reasoning_text.delta', ...at, content_index: 0, delta });
      events.push({ type: 'response.reasoning_text.done', ...at, content_index: 0, text });
      events.push({ type: 'response.content_part.done', ...at, content_index: 0, part });
      break;
    }
    case 'web_search_call':
      events.push({ type: 'response.output_item.added', output_index: index, item: added });
      for (const phase of ['in_progress', 'searching', 'completed'])
        events.push({ type: `response.web_search_call.${phase}`, ...at });
      break;
    case 'function_call': {
      const args = asString(item.arguments) ?? '';
      events.push({
        type: 'response.output_item.added',
        output_index: index,
        item: { ...added, arguments: '' },
      });
      for (const delta of splitArguments(args))
        events.push({ type: 'response.function_call_arguments.delta', ...at, delta });
      events.push({ type: 'response.function_call_arguments.done', ...at, name: item.name, arguments: args });
      break;
    }
    default: {
      const part = asRecord(asArray(item.content)[0]);
      const text = asString(part.text) ?? '';
      const empty = { type: 'output_text', text: '', annotations: [], logprobs: [] };
      events.push({
        type: 'response.output_item.added',
        output_index: index,
        item: { ...added, content: [] },
      });
      events.push({ type: 'response.content_part.added', ...at, content_index: 0, part: empty });
      for (const delta of splitWords(text))
        events.push({ type: 'response.output_text.delta', ...at, content_index: 0, delta, logprobs: [] });
      asArray(part.annotations).forEach((annotation, annotation_index) =>
        events.push({
          type: 'response.output_text.annotation.added',
          ...at,
          content_index: 0,
          annotation_index,
          annotation,
        }),
      );
      events.push({ type: 'response.output_text.done', ...at, content_index: 0, text, logprobs: [] });
      events.push({ type: 'response.content_part.done', ...at, content_index: 0, part });
    }
  }
  events.push({ type: 'response.output_item.done', output_index: index, item });
  return events;
}

/** POST /v1/responses: the Responses API, deterministic like the chat endpoint; keeps nothing. */
export async function handleResponses(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  if (typeof body.model !== 'string') return badRequest(ex, 'you must provide a model parameter', 'model');
  if (typeof body.input !== 'string' && !Array.isArray(body.input))
    return badRequest(ex, "Missing required parameter: 'input'.", 'input');
  if (body.previous_response_id !== undefined && body.previous_response_id !== null)
    return badRequest(
      ex,
      'Previous responses are not found: the simulator keeps no responses.',
      'previous_response_id',
    );
  if (body.background === true)
    return badRequest(ex, 'Background responses are not simulated.', 'background');
  const conv = parseResponsesRequest(body);
  const plan = personaPlan(body, planReply(conv), conv);
  const output = outputItems(ex, plan, conv, toolsOf(body).webSearch);
  const status = plan.finish === 'length' ? 'incomplete' : 'completed';
  const reasoningTokens = plan.reasoning === null ? 0 : countTokens(plan.reasoning);
  const usage = {
    input_tokens: plan.promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: plan.completionTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: plan.promptTokens + plan.completionTokens,
  };
  const final = responseObject(ex, body, status, output, usage);
  if (body.stream !== true) return sendResult(ex, final);
  const opening = responseObject(ex, body, 'in_progress', [], null);
  const events: JsonObject[] = [
    { type: 'response.created', response: opening },
    { type: 'response.in_progress', response: opening },
    ...output.flatMap(itemEvents),
    { type: status === 'completed' ? 'response.completed' : 'response.incomplete', response: final },
  ];
  const frames: SseFrame[] = events.map((event, sequence_number) => ({
    event: String(event.type),
    data: JSON.stringify({ ...event, sequence_number }),
  }));
  return sendSse(ex, frames);
}
