import type { CacheTtl } from '@switchyard/credits';

/**
 * The longest prompt-cache TTL a chat request asks for with `cache_control` on its content
 * parts (`{type:'ephemeral', ttl?: '5m'|'1h'}`, the convention OpenRouter and LiteLLM use to
 * carry Anthropic's breakpoints in the OpenAI format), or undefined when it marks none. The
 * reservation then covers the prompt at the cache-write price.
 */
export function cacheWriteTtl(messages: readonly unknown[]): CacheTtl | undefined {
  let ttl: CacheTtl | undefined;
  for (const message of messages) {
    const content = (message as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) continue;
    for (const part of content) {
      const control = (part as { cache_control?: unknown } | null)?.cache_control;
      if (typeof control !== 'object' || control === null) continue;
      if ((control as { ttl?: unknown }).ttl === '1h') return '1h';
      ttl = '5m';
    }
  }
  return ttl;
}

/** The prompt-cache counts of an OpenAI-shaped usage object, as far as the provider reported them. */
export interface CacheUsage {
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  cacheWrite1hTokens?: number;
}

const tokens = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;

/**
 * Cache reads and writes of a usage object: reads are OpenAI's
 * `prompt_tokens_details.cached_tokens` (Gemini's and Anthropic's are mapped there; DeepSeek's
 * own `prompt_cache_hit_tokens` is read too), writes `prompt_tokens_details.cache_write_tokens`
 * (OpenRouter's name, which the Anthropic adapter also fills) with the 1-hour part in
 * `cache_write_1h_tokens`. All of them are part of `prompt_tokens`.
 */
export function cacheUsageOf(usage: unknown): CacheUsage {
  const u = usage as {
    prompt_tokens_details?: {
      cached_tokens?: unknown;
      cache_write_tokens?: unknown;
      cache_write_1h_tokens?: unknown;
    } | null;
    prompt_cache_hit_tokens?: unknown;
  };
  const details = u.prompt_tokens_details ?? undefined;
  const cachedInputTokens = tokens(details?.cached_tokens) ?? tokens(u.prompt_cache_hit_tokens);
  const cacheWriteTokens = tokens(details?.cache_write_tokens);
  const cacheWrite1hTokens = tokens(details?.cache_write_1h_tokens);
  return {
    ...(cachedInputTokens !== undefined ? { cachedInputTokens } : {}),
    ...(cacheWriteTokens !== undefined ? { cacheWriteTokens } : {}),
    ...(cacheWrite1hTokens !== undefined ? { cacheWrite1hTokens } : {}),
  };
}
