import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloseSignal } from './close.signal.js';
import type { Exchange } from './exchange.types.js';
import { faultFromModel, mergeFaults, parseFaultHeader, type FaultSpec } from './fault.parser.js';
import { BodyTooLargeError, delay, flatHeaders, readBody, sendJson } from './http.util.js';
import type { ImageStore } from './image.store.js';
import { asRecord, asString } from './json.util.js';
import type { GigaChatTokenStore } from './gigachat-token.store.js';
import type { KeyBehaviorStore } from './key-behavior.store.js';
import type { PromptCacheStore } from './prompt-cache.store.js';
import { parseMultipart, summarizeForm, type MultipartForm } from './multipart.parser.js';
import { authError, providerError, type ProviderError } from './provider-error.factory.js';
import type { RequestLogStore } from './request-log.store.js';
import { guessFormat, matchRoute } from './route.table.js';
import type { WireFormat } from './simulator.types.js';

/** Shared state every provider request goes through. */
export interface PipelineState {
  log: RequestLogStore;
  keys: KeyBehaviorStore;
  images: ImageStore;
  promptCache: PromptCacheStore;
  gigachatTokens: GigaChatTokenStore;
  record: boolean;
  /** Simulator-wide latency and chunk delay, which per-request faults override. */
  defaults: Partial<FaultSpec>;
  /** Fallback base URL when a request carries no Host header. */
  url: string;
  nextSeq(): number;
}

function bearer(value: string | undefined): string | null {
  const match = value ? /^Bearer\s+(.+)$/i.exec(value) : null;
  return match?.[1]?.trim() ?? null;
}

/**
 * The credential where each provider reads it. GigaChat's is the auth key: sent as `Basic` to its
 * OAuth endpoint, and behind the access token (`Bearer`) on every other call (null when the token
 * is unknown or expired, answered 401).
 */
function apiKeyOf(
  format: WireFormat,
  req: IncomingMessage,
  query: URLSearchParams,
  tokens: GigaChatTokenStore,
): string | null {
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  switch (format) {
    case 'openai':
      return bearer(header('authorization'));
    case 'gemini':
      return header('x-goog-api-key') ?? query.get('key');
    case 'anthropic':
      return header('x-api-key') ?? bearer(header('authorization'));
    case 'cohere':
      return bearer(header('authorization'));
    case 'gigachat': {
      const basic = /^Basic\s+(.+)$/i.exec(header('authorization') ?? '')?.[1]?.trim();
      return basic ?? tokens.authKeyOf(bearer(header('authorization')));
    }
    case 'control':
      return null;
  }
}

interface ParsedBody {
  body: unknown;
  form: MultipartForm | null;
}

async function parseBody(req: IncomingMessage, raw: Buffer): Promise<ParsedBody> {
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await parseMultipart(type, raw);
    return { body: summarizeForm(form), form };
  }
  if (raw.length === 0) return { body: null, form: null };
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { body: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))), form: null };
  }
  // Clients don't always label JSON, so anything that isn't multipart is tried as JSON.
  return { body: JSON.parse(raw.toString('utf8')) as unknown, form: null };
}

function sendError(res: ServerResponse, error: ProviderError, retryAfterSeconds?: number | null): void {
  const headers: Record<string, string> =
    retryAfterSeconds === undefined || retryAfterSeconds === null
      ? {}
      : { 'retry-after': String(retryAfterSeconds) };
  sendJson(res, error.status, error.body, headers);
}

/**
 * Runs one provider request: read and parse, record, wait out latency, then key behaviors,
 * `hang`, status faults, and finally the route's handler (which applies the stream faults).
 */
export async function runPipeline(
  state: PipelineState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  signal: CloseSignal,
): Promise<void> {
  const method = req.method ?? 'GET';
  const route = matchRoute(method, path);
  const format = route?.format ?? guessFormat(path, req.headers);
  let raw: Buffer;
  let parsed: ParsedBody;
  try {
    raw = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError && !res.headersSent) sendError(res, providerError(format, 413));
    return;
  }
  try {
    parsed = await parseBody(req, raw);
  } catch {
    const message = 'We could not parse the JSON body of your request.';
    return sendError(res, providerError(format, 400, { message }));
  }
  const apiKey = apiKeyOf(format, req, query, state.gigachatTokens);
  const model =
    route?.pathModel ?? asString(asRecord(parsed.body).model) ?? parsed.form?.fields.model ?? null;
  const provider = route?.provider ?? true;
  const seq = provider ? state.nextSeq() : 0;
  const headers = flatHeaders(req);
  if (provider && state.record) {
    // A search is a GET: its query parameters are what a test reads, so they are its recorded body.
    const body = route?.keyless ? Object.fromEntries(query) : parsed.body;
    state.log.add({ seq, time: Date.now(), method, path, format, apiKey, model, headers, body });
  }
  if (!route) {
    return sendError(res, providerError(format, 404, { message: `Unknown endpoint: ${method} ${path}` }));
  }
  const fault = provider
    ? mergeFaults(state.defaults, faultFromModel(model), parseFaultHeader(headers['x-sim-fault']))
    : mergeFaults();
  if (!(await delay(fault.latencyMs ?? 0, signal))) return;
  if (provider) {
    // A keyless endpoint (web search, as a self-hosted SearXNG) takes no key and no key behaviors.
    if (!route.keyless && (apiKey === null || apiKey === '')) return sendError(res, authError(format, null));
    const behavior = apiKey ? state.keys.take(apiKey) : undefined;
    if (behavior) {
      const error =
        behavior.status === 401
          ? authError(format, apiKey)
          : providerError(format, behavior.status, { model });
      return sendError(res, error, behavior.retryAfterSeconds);
    }
    // Never answer: the socket stays open until the client gives up or the simulator closes.
    if (fault.hang) return;
    if (fault.status !== null) {
      return sendError(res, providerError(format, fault.status, { model }), fault.retryAfterSeconds);
    }
    if (fault.errorKind !== null && !(fault.errorKind === 'content_filter' && route.answersContentFilter)) {
      return sendError(res, providerError(format, 400, { kind: fault.errorKind }), fault.retryAfterSeconds);
    }
  }
  const host = req.headers.host;
  const ex: Exchange = {
    seq,
    req,
    res,
    method,
    path,
    query,
    headers,
    rawBody: raw,
    body: parsed.body,
    form: parsed.form,
    format,
    apiKey,
    model,
    fault,
    signal,
    createdSec: Math.floor(Date.now() / 1000),
    baseUrl: host ? `http://${host}` : state.url,
    images: state.images,
    promptCache: state.promptCache,
    gigachatTokens: state.gigachatTokens,
  };
  await route.handle(ex);
}
