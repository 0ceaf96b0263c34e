import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OutboundPolicy } from '@switchyard/core';
import { startSimulator, type Simulator } from '../../../../apps/simulator/src/index.js';
import { BraveAdapter } from './brave.adapter.js';
import { citationsOf } from './citations.js';
import { SearchSession } from './search-session.js';
import { SearchError } from './search.types.js';
import { SearxngAdapter } from './searxng.adapter.js';
import { TavilyAdapter } from './tavily.adapter.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local server speaking Brave's and Tavily's JSON (and a SearXNG that redirects elsewhere). */
function fakeSearchApis(redirectTo: () => string): { server: Server; seen: Seen[] } {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.url!.startsWith('/res/v1/web/search')) {
        if (req.headers['x-subscription-token'] !== 'brave-key') return json(401, { error: 'bad token' });
        return json(200, {
          type: 'search',
          web: {
            type: 'search',
            results: [
              { title: 'Brave one', url: 'https://one.example/', description: 'First <b>hit</b>.' },
              { title: 'Not http', url: 'ftp://x.example/', description: 'dropped' },
              { title: 'Brave two', url: 'https://two.example/', description: 'Second.' },
            ],
          },
        });
      }
      if (req.url === '/search' && req.method === 'POST') {
        if (req.headers.authorization !== 'Bearer tvly-key') return json(401, { detail: 'bad key' });
        return json(200, {
          query: JSON.parse(body).query,
          results: [
            { title: 'Tavily one', url: 'https://t.example/a', content: 'Tavily snippet', score: 0.9 },
          ],
        });
      }
      if (req.url!.startsWith('/redirect/search')) {
        res.writeHead(302, { location: `${redirectTo()}/search?q=x&format=json` });
        return res.end();
      }
      json(404, {});
    });
  });
  return { server, seen };
}

describe('search adapters', () => {
  let sim: Simulator;
  let api: { server: Server; seen: Seen[] };
  let apiUrl: string;
  let trusted: OutboundPolicy;
  const signal = () => AbortSignal.timeout(5000);

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1' });
    api = fakeSearchApis(() => sim.url);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    // What the operator configured is trusted (as WebSearch trusts SEARXNG_URL and the simulator).
    trusted = new OutboundPolicy();
    trusted.trust(sim.url);
    trusted.trust(apiUrl);
  });
  afterAll(async () => {
    await trusted.close();
    await new Promise((resolve) => api.server.close(resolve));
    await sim.close();
  });

  it('SearXNG: GET /search?q&format=json against the simulator, results clipped to maxResults', async () => {
    const sut = new SearxngAdapter(sim.url, trusted.fetch);
    const results = await sut.search({ query: 'rust async', maxResults: 2, signal: signal() });
    expect(results).toEqual([
      {
        url: 'https://search.sim.example/rust-async/1',
        title: 'Result 1 for rust async',
        content: 'Snippet 1 about rust async.',
      },
      {
        url: 'https://search.sim.example/rust-async/2',
        title: 'Result 2 for rust async',
        content: 'Snippet 2 about rust async.',
      },
    ]);
    expect(sim.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/search',
      body: { q: 'rust async', format: 'json' },
    });
  });

  it('SearXNG: a status fault and a hang are SearchErrors (status, timeout)', async () => {
    const sut = new SearxngAdapter(sim.url, trusted.fetch);
    const failed = await sut
      .search({ query: 'x fault:502', maxResults: 3, signal: signal() })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(SearchError);
    expect(failed).toMatchObject({ kind: 'status', status: 502 });
    const hung = await sut
      .search({ query: 'x fault:hang', maxResults: 3, signal: AbortSignal.timeout(200) })
      .catch((e: unknown) => e);
    expect(hung).toMatchObject({ kind: 'timeout' });
  });

  it('Brave: X-Subscription-Token and count; web.results mapped, non-http results dropped', async () => {
    const sut = new BraveAdapter('brave-key', trusted.fetch, `${apiUrl}/res/v1/web/search`);
    const results = await sut.search({ query: 'node 22', maxResults: 5, signal: signal() });
    expect(results).toEqual([
      { url: 'https://one.example/', title: 'Brave one', content: 'First <b>hit</b>.' },
      { url: 'https://two.example/', title: 'Brave two', content: 'Second.' },
    ]);
    const call = api.seen.at(-1)!;
    expect(call.method).toBe('GET');
    expect(new URL(call.url, apiUrl).searchParams.get('q')).toBe('node 22');
    expect(new URL(call.url, apiUrl).searchParams.get('count')).toBe('5');
    const denied = await new BraveAdapter('wrong', trusted.fetch, `${apiUrl}/res/v1/web/search`)
      .search({ query: 'x', maxResults: 5, signal: signal() })
      .catch((e: unknown) => e);
    expect(denied).toMatchObject({ kind: 'status', status: 401 });
    expect(String((denied as Error).message)).not.toContain('wrong');
  });

  it('Tavily: POST /search with a Bearer key and {query, max_results}', async () => {
    const sut = new TavilyAdapter('tvly-key', trusted.fetch, `${apiUrl}/search`);
    const results = await sut.search({ query: 'tavily q', maxResults: 4, signal: signal() });
    expect(results).toEqual([{ url: 'https://t.example/a', title: 'Tavily one', content: 'Tavily snippet' }]);
    expect(JSON.parse(api.seen.at(-1)!.body)).toEqual({
      query: 'tavily q',
      max_results: 4,
      search_depth: 'basic',
    });
  });

  it('the outbound policy refuses a private search URL the operator did not configure (and a redirect to one)', async () => {
    const untrusted = new OutboundPolicy();
    try {
      const refused = await new SearxngAdapter(sim.url, untrusted.fetch)
        .search({ query: 'x', maxResults: 3, signal: signal() })
        .catch((e: unknown) => e);
      expect(refused).toMatchObject({ kind: 'network' });
      expect(sim.requests.filter((r) => r.body && (r.body as { q?: string }).q === 'x')).toHaveLength(0);
      // A trusted SearXNG that redirects to an origin nobody configured: the hop is checked and refused.
      const onlyApi = new OutboundPolicy();
      onlyApi.trust(apiUrl);
      const hop = await new SearxngAdapter(`${apiUrl}/redirect`, onlyApi.fetch)
        .search({ query: 'x', maxResults: 3, signal: signal() })
        .catch((e: unknown) => e);
      expect(hop).toMatchObject({ kind: 'network' });
      await onlyApi.close();
    } finally {
      await untrusted.close();
    }
  });

  it('a session numbers sources across searches (a URL keeps its number) and charges only searches that ran', async () => {
    const sut = new SearchSession(
      new SearxngAdapter(sim.url, trusted.fetch, 'simulator'),
      {
        maxResults: 2,
        timeoutMs: 2000,
        price: 5000n,
      },
      new AbortController().signal,
    );
    await sut.run('a');
    await sut.run('a');
    await sut.run('b fault:500');
    expect(sut.sources.map((s) => s.index)).toEqual([1, 2]);
    expect(sut.records.map((r) => [r.status, r.cost])).toEqual([
      ['ok', 5000n],
      ['ok', 5000n],
      ['error', 0n],
    ]);
    const text = 'A fact [1]. Two [2][9] and [1, 2].';
    const cites = citationsOf(text, sut.sources);
    expect(cites.map((c) => text.slice(c.url_citation.start_index, c.url_citation.end_index))).toEqual([
      '[1]',
      '[2]',
      '[1, 2]',
      '[1, 2]',
    ]);
  });
});
