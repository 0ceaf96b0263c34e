import type { Exchange } from './exchange.types.js';
import { sendJson, sendResult } from './http.util.js';

/** Results per query: SearXNG returns a page of them; the gateway keeps its SEARCH_MAX_RESULTS. */
const RESULTS = 6;

/** `fault:<status>`, `fault:hang` or `fault:empty` in the query (the search's own fault option). */
const FAULT = /\bfault:(\d{3}|hang|empty)\b/i;

function slug(query: string): string {
  return (
    query
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'query'
  );
}

/**
 * GET /search?q=...&format=json: SearXNG's JSON API (the gateway's web search in tests and the
 * offline demo). Results are a function of the query: `https://search.sim.example/<slug>/<i>`,
 * title `Result <i> for <q>`, content `Snippet <i> about <q>.`. Needs no key. Faults: the usual
 * `x-sim-fault` header (status, latency, hang), or in the query `fault:503` (that status),
 * `fault:hang` (never answers) and `fault:empty` (no results). `format` other than json is a 403,
 * as SearXNG answers when the format is not enabled.
 */
export async function handleSearch(ex: Exchange): Promise<void> {
  const q = ex.query.get('q') ?? '';
  if (ex.query.get('format') !== 'json') return sendJson(ex.res, 403, { error: 'format not enabled' });
  if (!q.trim()) return sendJson(ex.res, 400, { error: 'q is required' });
  const fault = FAULT.exec(q)?.[1]?.toLowerCase();
  if (fault === 'hang') return;
  if (fault !== undefined && /^\d{3}$/.test(fault) && Number(fault) >= 400)
    return sendJson(ex.res, Number(fault), { error: `simulated search fault ${fault}` });
  const results =
    fault === 'empty'
      ? []
      : Array.from({ length: RESULTS }, (_, i) => ({
          url: `https://search.sim.example/${slug(q)}/${i + 1}`,
          title: `Result ${i + 1} for ${q}`,
          content: `Snippet ${i + 1} about ${q}.`,
          engine: 'simulator',
          score: 1 - i / 10,
        }));
  sendResult(ex, { query: q, number_of_results: results.length, results, answers: [], suggestions: [] });
}
