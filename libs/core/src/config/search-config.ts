import { parseCredits } from '../money.js';
import type { EnvironmentVariables } from './env.schema.js';

/** The web search backends (decision 0022); `simulator` is the offline demo's (SearXNG's format). */
export const SEARCH_PROVIDERS = ['searxng', 'brave', 'tavily', 'off'] as const;
export type SearchProviderSetting = (typeof SEARCH_PROVIDERS)[number];

/** Web search for chat calls (`:online`, `plugins: [{id: "web"}]`, `web_search_options`, `search: "auto"`). */
export interface SearchConfig {
  /** SEARCH_PROVIDER; unset: the first configured of SearXNG, Brave, Tavily, else the simulator, else off. */
  provider?: SearchProviderSetting;
  /** SEARXNG_URL: a self-hosted SearXNG (its JSON API must be enabled). Trusted like a provider base URL. */
  searxngUrl?: string;
  braveApiKey?: string;
  tavilyApiKey?: string;
  /** Results put into the prompt per search. */
  maxResults: number;
  /** One search's time budget; past it the answer goes on without sources. */
  timeoutMs: number;
  /** `search: "auto"` / `auto`: how many rounds of the `web_search` tool the gateway runs at most. */
  maxRounds: number;
  /** SEARCH_PRICE: micro-credits one search costs (flat, no markup). */
  price: bigint;
}

const HTTP_URL = /^https?:\/\/[^\s]+$/;

export function searchConfig(env: EnvironmentVariables, problems: string[]): SearchConfig {
  const searxngUrl = env.SEARXNG_URL?.replace(/\/+$/, '');
  if (searxngUrl !== undefined && !HTTP_URL.test(searxngUrl))
    problems.push(`SEARXNG_URL must be an http(s) URL, got "${env.SEARXNG_URL}"`);
  const provider = env.SEARCH_PROVIDER;
  if (provider === 'searxng' && !searxngUrl) problems.push('SEARCH_PROVIDER=searxng needs SEARXNG_URL');
  if (provider === 'brave' && !env.BRAVE_SEARCH_API_KEY)
    problems.push('SEARCH_PROVIDER=brave needs BRAVE_SEARCH_API_KEY');
  if (provider === 'tavily' && !env.TAVILY_API_KEY)
    problems.push('SEARCH_PROVIDER=tavily needs TAVILY_API_KEY');
  return {
    ...(provider ? { provider } : {}),
    ...(searxngUrl ? { searxngUrl } : {}),
    ...(env.BRAVE_SEARCH_API_KEY ? { braveApiKey: env.BRAVE_SEARCH_API_KEY } : {}),
    ...(env.TAVILY_API_KEY ? { tavilyApiKey: env.TAVILY_API_KEY } : {}),
    maxResults: env.SEARCH_MAX_RESULTS,
    timeoutMs: env.SEARCH_TIMEOUT_MS,
    maxRounds: env.SEARCH_MAX_ROUNDS,
    price: parseCredits(env.SEARCH_PRICE),
  };
}
