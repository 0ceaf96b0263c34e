import { asList, fetchJson } from './search-http.js';
import { cleanResults, type SearchAdapter, type SearchQuery, type SearchResult } from './search.types.js';

export const BRAVE_SEARCH_URL = 'https://api.search.brave.com/res/v1/web/search';

/** Brave Search: `GET .../res/v1/web/search?q=&count=` with `X-Subscription-Token`; results in `web.results[{url, title, description}]`. */
export class BraveAdapter implements SearchAdapter {
  readonly name = 'brave';

  constructor(
    private readonly apiKey: string,
    private readonly fetchFn: typeof globalThis.fetch,
    private readonly endpoint = BRAVE_SEARCH_URL,
  ) {}

  async search(q: SearchQuery): Promise<SearchResult[]> {
    const url = new URL(this.endpoint);
    url.searchParams.set('q', q.query);
    url.searchParams.set('count', String(Math.min(20, q.maxResults)));
    const body = await fetchJson(this.fetchFn, this.name, url.toString(), {
      method: 'GET',
      headers: { accept: 'application/json', 'x-subscription-token': this.apiKey },
      signal: q.signal,
    });
    const web = (body as { web?: { results?: unknown } } | null)?.web;
    return cleanResults(
      asList(web?.results).map((r) => ({ url: r.url, title: r.title, content: r.description })),
      q.maxResults,
    );
  }
}
