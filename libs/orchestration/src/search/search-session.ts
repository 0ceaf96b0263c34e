import { SearchError, type SearchAdapter, type SearchResult } from './search.types.js';

/** A result numbered as a source of the answer (numbers run on across searches; a URL keeps its first). */
export interface Source extends SearchResult {
  index: number;
}

/** One search as it ran, for the settlement (a line and a usage record) and the explanation. */
export interface SearchRecord {
  id: string;
  provider: string;
  query: string;
  status: 'ok' | 'error';
  results: number;
  latencyMs: number;
  /** Micro-credits: the search price when it ran, 0 when it failed. */
  cost: bigint;
  error?: string;
  errorClass?: string;
}

export type SearchOutcome = { ok: true; sources: Source[] } | { ok: false; error: string };

/**
 * The searches of one request: each within the time budget and the request's cancellation,
 * numbered into one source list, and recorded for the settlement. A failure is an outcome, not an
 * exception: the answer goes on without sources.
 */
export class SearchSession {
  readonly records: SearchRecord[] = [];
  readonly sources: Source[] = [];

  constructor(
    private readonly adapter: SearchAdapter,
    private readonly settings: { maxResults: number; timeoutMs: number; price: bigint },
    private readonly signal: AbortSignal,
  ) {}

  get provider(): string {
    return this.adapter.name;
  }

  async run(query: string): Promise<SearchOutcome> {
    const started = Date.now();
    const id = `search-${this.records.length + 1}`;
    const base = { id, provider: this.adapter.name, query };
    try {
      const results = await this.adapter.search({
        query,
        maxResults: this.settings.maxResults,
        signal: AbortSignal.any([this.signal, AbortSignal.timeout(this.settings.timeoutMs)]),
      });
      const sources = results.map((r) => this.number(r));
      this.records.push({
        ...base,
        status: 'ok',
        results: results.length,
        latencyMs: Date.now() - started,
        cost: this.settings.price,
      });
      return { ok: true, sources };
    } catch (err) {
      const error = err instanceof SearchError ? err.message : `${this.adapter.name}: ${String(err)}`;
      this.records.push({
        ...base,
        status: 'error',
        results: 0,
        latencyMs: Date.now() - started,
        cost: 0n,
        error,
        errorClass: err instanceof SearchError ? err.kind : 'failed',
      });
      return { ok: false, error };
    }
  }

  private number(result: SearchResult): Source {
    const known = this.sources.find((s) => s.url === result.url);
    if (known) return known;
    const source = { ...result, index: this.sources.length + 1 };
    this.sources.push(source);
    return source;
  }
}
