import { OUTBOUND_POLICY_CODE } from '@switchyard/core';
import type { Capability, RuntimeFormat } from '../catalog/catalog.types.js';
import { geminiApiRoot } from '../gemini/gemini.adapter.js';
import { sanitize } from '../shared/sanitize.js';
import { errorCode } from '../shared/transport-error.js';
import { ollamaTagsUrl } from './runtime-provider.js';

/** Model lists larger than this are refused rather than read into memory. */
const MAX_LIST_BYTES = 8 * 1024 * 1024;
const ANTHROPIC_VERSION = '2023-06-01';

/** One model an upstream says it has: what the admin may add, with what the upstream tells about it. */
export interface DiscoveredModel {
  id: string;
  /** A display name, when the upstream gives one. */
  name?: string;
  owned_by?: string;
  context_window?: number;
  max_output_tokens?: number;
  /** Operations the upstream says the model supports (Gemini only says). */
  capabilities?: Capability[];
  /** Anything else the upstream reports (Ollama: family, parameter size, quantization, bytes). */
  details?: Record<string, unknown>;
}

export interface DiscoveryRequest {
  /** The provider id, for messages. */
  provider: string;
  format: RuntimeFormat;
  /** The normalised base URL (see normaliseBaseUrl). */
  baseUrl: string;
  /** A key, when the provider takes one (none for a keyless server). */
  apiKey?: string;
  /** The provider's default headers. */
  headers?: Readonly<Record<string, string>>;
  /** The whole exchange must finish within this many milliseconds. */
  timeoutMs: number;
  /** The outbound policy's fetch: the connection is checked like every upstream call. */
  fetch: typeof globalThis.fetch;
}

export interface DiscoveryResult {
  /** The URL asked (no key in it). */
  url: string;
  models: DiscoveredModel[];
}

/** Why a discovery failed; the message names the step and never holds the key. */
export class DiscoveryError extends Error {
  constructor(
    message: string,
    /** `policy`, `timeout`, `network`, `status`, `body`. */
    readonly reason: 'policy' | 'timeout' | 'network' | 'status' | 'body',
    readonly upstreamStatus?: number,
  ) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

interface Listing {
  url: string;
  headers: Record<string, string>;
  parse: (body: unknown) => DiscoveredModel[] | undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function items(body: unknown, field: string): unknown[] | undefined {
  const list = record(body)?.[field];
  return Array.isArray(list) ? list : undefined;
}

/** OpenAI `GET /models`: `{data: [{id, owned_by}]}`. */
function parseOpenAi(body: unknown): DiscoveredModel[] | undefined {
  return items(body, 'data')?.flatMap((item) => {
    const id = text(record(item)?.id);
    if (!id) return [];
    const owner = text(record(item)?.owned_by);
    return [{ id, ...(owner ? { owned_by: owner } : {}) }];
  });
}

/** Ollama `GET /api/tags`: `{models: [{name, model, size, details: {...}}]}`. */
function parseOllama(body: unknown): DiscoveredModel[] | undefined {
  return items(body, 'models')?.flatMap((item) => {
    const entry = record(item);
    const id = text(entry?.model) ?? text(entry?.name);
    if (!id) return [];
    const details: Record<string, unknown> = { ...record(entry?.details) };
    if (typeof entry?.size === 'number') details.size_bytes = entry.size;
    return [{ id, ...(Object.keys(details).length > 0 ? { details } : {}) }];
  });
}

/** Anthropic `GET /v1/models`: `{data: [{id, display_name}]}`. */
function parseAnthropic(body: unknown): DiscoveredModel[] | undefined {
  return items(body, 'data')?.flatMap((item) => {
    const id = text(record(item)?.id);
    if (!id) return [];
    const name = text(record(item)?.display_name);
    return [{ id, ...(name ? { name } : {}) }];
  });
}

/** Gemini `GET /models`: `{models: [{name: "models/x", displayName, inputTokenLimit, ...}]}`. */
function parseGemini(body: unknown): DiscoveredModel[] | undefined {
  return items(body, 'models')?.flatMap((item) => {
    const entry = record(item);
    const id = text(entry?.name)?.replace(/^models\//, '');
    if (!id) return [];
    const methods = Array.isArray(entry?.supportedGenerationMethods)
      ? (entry.supportedGenerationMethods as unknown[])
      : [];
    const capabilities: Capability[] = [];
    if (methods.includes('generateContent')) capabilities.push('chat', 'streaming');
    if (methods.includes('embedContent')) capabilities.push('embeddings');
    const name = text(entry?.displayName);
    const contextWindow = positive(entry?.inputTokenLimit);
    const maxOutput = positive(entry?.outputTokenLimit);
    return [
      {
        id,
        ...(name ? { name } : {}),
        ...(contextWindow ? { context_window: contextWindow } : {}),
        ...(maxOutput ? { max_output_tokens: maxOutput } : {}),
        ...(capabilities.length > 0 ? { capabilities } : {}),
      },
    ];
  });
}

function listing(req: DiscoveryRequest): Listing {
  const key = req.apiKey;
  switch (req.format) {
    case 'openai':
      return {
        url: `${req.baseUrl}/models`,
        headers: key ? { authorization: `Bearer ${key}` } : {},
        parse: parseOpenAi,
      };
    case 'ollama':
      return {
        url: ollamaTagsUrl(req.baseUrl),
        headers: key ? { authorization: `Bearer ${key}` } : {},
        parse: parseOllama,
      };
    case 'anthropic':
      return {
        url: `${req.baseUrl}/v1/models?limit=1000`,
        headers: { 'anthropic-version': ANTHROPIC_VERSION, ...(key ? { 'x-api-key': key } : {}) },
        parse: parseAnthropic,
      };
    case 'gemini':
      return {
        url: `${geminiApiRoot(req.baseUrl)}/models?pageSize=1000`,
        headers: key ? { 'x-goog-api-key': key } : {},
        parse: parseGemini,
      };
  }
}

function merged(
  own: Record<string, string>,
  defaults: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = { accept: 'application/json', ...own };
  if (defaults) for (const name of Object.keys(defaults)) out[name.toLowerCase()] = defaults[name]!;
  return out;
}

/** Reads at most MAX_LIST_BYTES of a body. */
async function readCapped(response: Response): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_LIST_BYTES) throw new RangeError('too large');
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early cancels the body.
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > MAX_LIST_BYTES) throw new RangeError('too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function policyRefused(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { code?: unknown }).code === OUTBOUND_POLICY_CODE) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Asks an upstream which models it serves (OpenAI-compatible `GET {base}/models`, Ollama
 * `GET /api/tags`, Anthropic `GET /v1/models`, Gemini `GET /models`) through the given fetch,
 * within the time budget, and returns them sorted by id. Throws DiscoveryError naming what
 * failed (the policy, the connection, the time, the status, the body); never the key.
 */
export async function discoverModels(req: DiscoveryRequest): Promise<DiscoveryResult> {
  const { url, headers, parse } = listing(req);
  const secrets = req.apiKey ? [req.apiKey] : [];
  const where = `GET ${url}`;
  const signal = AbortSignal.timeout(req.timeoutMs);
  let response: Response;
  let body: string;
  try {
    response = await req.fetch(url, { headers: merged(headers, req.headers), signal, redirect: 'follow' });
    body = await readCapped(response);
  } catch (error) {
    if (policyRefused(error)) {
      throw new DiscoveryError(
        `${where} was refused by the outbound policy (see OUTBOUND_ALLOWLIST).`,
        'policy',
      );
    }
    if (signal.aborted) {
      throw new DiscoveryError(`${where} got no complete answer within ${req.timeoutMs} ms.`, 'timeout');
    }
    if (error instanceof RangeError) {
      throw new DiscoveryError(`${where} answered with more than ${MAX_LIST_BYTES} bytes.`, 'body');
    }
    const code = errorCode(error);
    throw new DiscoveryError(`${where} failed: could not connect${code ? ` (${code})` : ''}.`, 'network');
  }
  if (!response.ok) {
    const detail = sanitize(body.slice(0, 2000), secrets);
    const hint =
      response.status === 404 && req.format === 'openai'
        ? ' Is the base URL the one before /chat/completions (often ending in /v1)?'
        : '';
    throw new DiscoveryError(
      `${where} answered ${response.status}${detail ? `: ${detail}` : ''}.${hint}`,
      'status',
      response.status,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new DiscoveryError(`${where} did not answer with JSON.`, 'body');
  }
  const models = parse(json);
  if (!models) throw new DiscoveryError(`${where} did not answer with a model list.`, 'body');
  const unique = new Map(models.map((m) => [m.id, m]));
  return { url, models: [...unique.values()].sort((a, b) => a.id.localeCompare(b.id)) };
}
