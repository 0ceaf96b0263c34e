import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, OutboundPolicy } from '@switchyard/core';
import { ProviderEnvironment } from '@switchyard/providers';
import { BraveAdapter } from './brave.adapter.js';
import { SearchSession } from './search-session.js';
import type { SearchAdapter } from './search.types.js';
import { SearxngAdapter } from './searxng.adapter.js';
import { TavilyAdapter } from './tavily.adapter.js';

/** The search settings a plan and its run read. */
export interface SearchSettings {
  provider: string;
  maxResults: number;
  timeoutMs: number;
  maxRounds: number;
  /** Micro-credits per search. */
  price: bigint;
}

/**
 * The search port's one implementation: picks the backend from the configuration (SEARCH_PROVIDER,
 * else the first of SearXNG, Brave, Tavily that is configured, else the simulator's search
 * endpoint when the simulator runs) and opens a {@link SearchSession} per request. The configured
 * SearXNG URL and the simulator are operator-set, so the outbound policy trusts their origins like
 * provider base URLs; every request (and every redirect hop) still goes through its `fetch`.
 */
@Injectable()
export class WebSearch {
  private readonly logger = new Logger('WebSearch');
  private readonly adapter?: SearchAdapter;
  readonly settings?: SearchSettings;

  constructor(config: AppConfig, outbound: OutboundPolicy, environment: ProviderEnvironment) {
    const search = config.routing.search;
    this.adapter = pickAdapter(search, outbound, environment.simulatorUrl);
    if (this.adapter) {
      this.settings = {
        provider: this.adapter.name,
        maxResults: search.maxResults,
        timeoutMs: search.timeoutMs,
        maxRounds: search.maxRounds,
        price: search.price,
      };
      this.logger.log(`Web search: ${this.adapter.name}`);
    }
  }

  /** A request's searches, or undefined when search is off. */
  session(signal: AbortSignal): SearchSession | undefined {
    return this.adapter && this.settings ? new SearchSession(this.adapter, this.settings, signal) : undefined;
  }
}

function pickAdapter(
  search: AppConfig['routing']['search'],
  outbound: OutboundPolicy,
  simulatorUrl: string | undefined,
): SearchAdapter | undefined {
  const provider =
    search.provider ??
    (search.searxngUrl
      ? 'searxng'
      : search.braveApiKey
        ? 'brave'
        : search.tavilyApiKey
          ? 'tavily'
          : simulatorUrl
            ? 'simulator'
            : 'off');
  switch (provider) {
    case 'searxng':
      outbound.trust(search.searxngUrl!);
      return new SearxngAdapter(search.searxngUrl!, outbound.fetch);
    case 'brave':
      return new BraveAdapter(search.braveApiKey!, outbound.fetch);
    case 'tavily':
      return new TavilyAdapter(search.tavilyApiKey!, outbound.fetch);
    case 'simulator':
      outbound.trust(simulatorUrl!);
      return new SearxngAdapter(simulatorUrl!, outbound.fetch, 'simulator');
    case 'off':
      return undefined;
  }
}
