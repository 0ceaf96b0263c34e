import { InvalidRequestError } from '@switchyard/core';

/** `forced`: the gateway searches the last user message first; `tool`: the model is offered `web_search`. */
export type SearchMode = 'forced' | 'tool';

/** What a chat request asks of web search. */
export interface SearchRequest {
  mode: SearchMode;
  /** The field that asked for it (`model`, `plugins`, `web_search_options`, `search`). */
  via: 'model' | 'plugins' | 'web_search_options' | 'search';
}

/** The model-name suffix that turns web search on (OpenRouter's). */
export const ONLINE_SUFFIX = ':online';

type Body = {
  model?: unknown;
  models?: unknown;
  plugins?: unknown;
  web_search_options?: unknown;
  search?: unknown;
};

const online = (name: unknown) => typeof name === 'string' && name.endsWith(ONLINE_SUFFIX) && name.length > 7;

/** A model name without its `:online` suffix. */
export function withoutOnline(name: string): string {
  return online(name) ? name.slice(0, -ONLINE_SUFFIX.length) : name;
}

/** Whether a chat request asks for web search at all (cheap, never throws; {@link searchRequestOf} checks). */
export function asksForSearch(body: Body): boolean {
  return (
    online(body.model) ||
    (Array.isArray(body.models) && body.models.some(online)) ||
    (body.plugins !== undefined && body.plugins !== null) ||
    (body.web_search_options !== undefined && body.web_search_options !== null) ||
    (body.search !== undefined && body.search !== null)
  );
}

/**
 * What a request asks of web search, or undefined. `:online`, `plugins: [{id: "web"}]` and
 * `web_search_options` force a search; `search: "auto"` offers the tool; `search: "off"` turns
 * both off. A malformed field is a 400 naming it.
 */
export function searchRequestOf(body: Body): SearchRequest | undefined {
  const { plugins, web_search_options: options, search } = body;
  if (search !== undefined && search !== null && search !== 'auto' && search !== 'off')
    throw new InvalidRequestError("search must be 'auto' or 'off'.", { param: 'search' });
  if (plugins !== undefined && plugins !== null) {
    if (!Array.isArray(plugins))
      throw new InvalidRequestError('plugins must be a list of {"id": ...} objects.', { param: 'plugins' });
    plugins.forEach((p: unknown, i) => {
      if (typeof p !== 'object' || p === null || typeof (p as { id?: unknown }).id !== 'string')
        throw new InvalidRequestError(`plugins[${i}] must be an object with a string id.`, {
          param: `plugins[${i}]`,
        });
    });
  }
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options)))
    throw new InvalidRequestError('web_search_options must be an object.', { param: 'web_search_options' });
  if (search === 'off') return undefined;
  if (online(body.model) || (Array.isArray(body.models) && body.models.some(online)))
    return { mode: 'forced', via: 'model' };
  if (Array.isArray(plugins) && plugins.some((p: { id: string }) => p.id === 'web'))
    return { mode: 'forced', via: 'plugins' };
  if (options !== undefined && options !== null) return { mode: 'forced', via: 'web_search_options' };
  if (search === 'auto') return { mode: 'tool', via: 'search' };
  return undefined;
}
