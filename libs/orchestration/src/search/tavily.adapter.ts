import { asList, fetchJson } from './search-http.js';
import { cleanResults, type SearchAdapter, type SearchQuery, type SearchResult } from './search.types.js';

export const TAVILY_SEARCH_URL = 'https://api.tavily.com/search';

/** Tavily: `POST /search` `{query, max_results}` with `Authorization: Bearer`; results `[{url, title, content}]`. */
export class TavilyAdapter implements SearchAdapter {
  readonly name = 'tavily';

  constructor(
    private readonly apiKey: string,
    private readonly fetchFn: typeof globalThis.fetch,
    private readonly endpoint = TAVILY_SEARCH_URL,
  ) {}

  async search(q: SearchQuery): Promise<SearchResult[]> {
    const body = await fetchJson(this.fetchFn, this.name, this.endpoint, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${this.apiKey}`,
      },
      body: JSON.stringify({ query: q.query, max_results: q.maxResults, search_depth: 'basic' }),
      signal: q.signal,
    });
    return cleanResults(asList((body as { results?: unknown } | null)?.results), q.maxResults);
  }
}
