import type { Source } from './search-session.js';

/** OpenAI's `message.annotations` entry for a cited web page. */
export interface UrlCitation {
  type: 'url_citation';
  url_citation: { url: string; title: string; start_index: number; end_index: number };
}

const MARKER = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;

/**
 * The citations of an answer: each `[n]` (or `[n, m]`) marker naming a listed source becomes a
 * `url_citation` of that source whose `start_index`/`end_index` span the marker itself in the
 * content (`content.slice(start_index, end_index)` is `[n]`; JavaScript string indices, UTF-16
 * code units). A number that names no source is left alone.
 */
export function citationsOf(text: string, sources: readonly Source[]): UrlCitation[] {
  const byIndex = new Map(sources.map((s) => [s.index, s]));
  const out: UrlCitation[] = [];
  for (const match of text.matchAll(MARKER)) {
    const start = match.index;
    const end = start + match[0].length;
    for (const n of match[1]!.split(',').map((x) => Number(x.trim()))) {
      const source = byIndex.get(n);
      if (source)
        out.push({
          type: 'url_citation',
          url_citation: { url: source.url, title: source.title, start_index: start, end_index: end },
        });
    }
  }
  return out;
}
