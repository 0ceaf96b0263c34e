import { asList, fetchJson } from './search-http.js';
import { cleanResults, type SearchAdapter, type SearchQuery, type SearchResult } from './search.types.js';

/**
 * A self-hosted SearXNG: `GET <base>/search?q=...&format=json` (the instance must list `json` in
 * `search.formats`), results `[{url, title, content}]`. The simulator's search endpoint speaks the
 * same format (the offline demo), under the name `simulator`.
 */
export class SearxngAdapter implements SearchAdapter {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof globalThis.fetch,
    readonly name = 'searxng',
  ) {}

  async search(q: SearchQuery): Promise<SearchResult[]> {
    const url = new URL(`${this.baseUrl.replace(/\/+$/, '')}/search`);
    url.searchParams.set('q', q.query);
    url.searchParams.set('format', 'json');
    const body = await fetchJson(this.fetchFn, this.name, url.toString(), {
      method: 'GET',
      headers: { accept: 'application/json', ...q.headers },
      signal: q.signal,
    });
    return cleanResults(asList((body as { results?: unknown } | null)?.results), q.maxResults);
  }
}
