/** One web result as it goes into the prompt: every adapter maps its provider's shape onto this. */
export interface SearchResult {
  title: string;
  url: string;
  /** The snippet (SearXNG `content`, Brave `description`, Tavily `content`). */
  content: string;
}

/** What a search adapter needs for one call. */
export interface SearchQuery {
  query: string;
  maxResults: number;
  signal: AbortSignal;
  /** Headers for the offline simulator only (its `x-sim-fault`). */
  headers?: Record<string, string>;
}

/**
 * A search backend behind the one port: stateless, credentials fixed at construction (the
 * operator's), every request through the outbound policy's fetch. Throws {@link SearchError}.
 */
export interface SearchAdapter {
  /** `searxng`, `brave`, `tavily` or `simulator`: the usage record's provider. */
  readonly name: string;
  search(query: SearchQuery): Promise<SearchResult[]>;
}

/** A search that failed: the backend's status, a timeout, the network or the outbound policy. */
export class SearchError extends Error {
  constructor(
    readonly kind: 'status' | 'timeout' | 'network' | 'bad_response',
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SearchError';
  }
}

/** Bounds of one result in the prompt (and so of the reservation). */
export const RESULT_LIMITS = { title: 150, content: 400, url: 500 } as const;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Keeps well-formed http(s) results, clipped to {@link RESULT_LIMITS}, at most `max` of them. */
export function cleanResults(raw: readonly Partial<Record<keyof SearchResult, unknown>>[], max: number) {
  const out: SearchResult[] = [];
  for (const r of raw) {
    if (out.length >= max) break;
    const url = typeof r.url === 'string' ? r.url.trim() : '';
    if (!/^https?:\/\/\S+$/.test(url) || url.length > RESULT_LIMITS.url) continue;
    const title = typeof r.title === 'string' ? r.title.replace(/\s+/g, ' ').trim() : '';
    const content = typeof r.content === 'string' ? r.content.replace(/\s+/g, ' ').trim() : '';
    out.push({
      url,
      title: clip(title || url, RESULT_LIMITS.title),
      content: clip(content, RESULT_LIMITS.content),
    });
  }
  return out;
}
