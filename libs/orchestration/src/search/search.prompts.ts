/** The web search prompts (forced search, the `web_search` tool, results), kept in one place. */
import { RESULT_LIMITS } from './search.types.js';
import type { Source } from './search-session.js';

/** The function tool the model is offered with `search: "auto"` (and `auto`); the gateway runs it. */
export const WEB_SEARCH_TOOL = {
  type: 'function',
  function: {
    name: 'web_search',
    description:
      'Search the web for current information. Returns numbered sources (title, URL, snippet) to cite as [n].',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'What to search for, as a search engine query.' } },
      required: ['query'],
    },
  },
} as const;

const CITE =
  'Cite every fact you take from a source with its number in square brackets right after it, ' +
  'like [1] or [2]; cite only the numbers listed. If the sources do not answer the question, say so.';

/** Numbered sources, as the model reads them (the tool's result, and the forced search's system message). */
export function formatSources(sources: readonly Source[]): string {
  return sources.map((s) => `[${s.index}] ${s.title}\nURL: ${s.url}\n${s.content}`).join('\n\n');
}

/** Forced search (`:online`, `plugins`, `web_search_options`): the results before the conversation. */
export function sourcesSystem(query: string, sources: readonly Source[]): string {
  if (sources.length === 0)
    return `A web search for "${query}" found nothing. Answer from what you know and say that the web search found no sources.`;
  return `Web search results for "${query}", numbered as sources:\n\n${formatSources(sources)}\n\n${CITE}`;
}

/** Forced search that failed: the model answers without sources and says so. */
export function searchFailedSystem(): string {
  return 'A web search for this request failed. Answer from what you know and say that you could not check the web.';
}

/** `search: "auto"`: the instructions beside the tool. */
export const TOOL_SYSTEM =
  'You can call the web_search tool when the answer needs current facts or facts you are unsure of. ' +
  `Its results are numbered sources. ${CITE}`;

/** The tool's result for the model. */
export function toolResult(sources: readonly Source[] | undefined, failed?: string): string {
  if (failed !== undefined) return `The web search failed (${failed}); answer without it and say so.`;
  if (!sources || sources.length === 0) return 'The web search found nothing.';
  return formatSources(sources);
}

/** A tool call the gateway did not run (one search per round, or the rounds are spent). */
export const NOT_RUN = 'Not run: one web search per round.';

/**
 * The most tokens one search's results add to a prompt: every character of a result at most its
 * limits, at most 3 UTF-8 bytes each, a token at least one byte, plus the framing.
 */
export function resultsTokenBound(maxResults: number): number {
  const perResult = (RESULT_LIMITS.title + RESULT_LIMITS.content + RESULT_LIMITS.url) * 3 + 32;
  return maxResults * perResult + 64;
}
