import { Injectable, Logger, Optional } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { AppConfig, formatCredits, NOOP_TELEMETRY, RedisService, Telemetry } from '@switchyard/core';
import type { PlannedTarget } from '@switchyard/routing';
import type { Request, Response } from 'express';
import type { ChatOutput, ChunkSink } from '../chat-output.js';
import type { Metering } from '../metering.js';
import { CACHE_HEADER, cacheDirectives } from './cache-directives.js';
import { cacheKey } from './cache-key.js';
import { MemoryCacheStore, RedisCacheStore, type CacheStore } from './cache-store.js';
import {
  COMPLETE_FINISH,
  chunksFromCompletion,
  completionFromChunks,
  type CachedAnswer,
  type CachedUsage,
} from './cached-answer.js';

type Json = Record<string, unknown>;

/** The answer headers a hit repeats (cost and cache outcome are its own). */
const KEPT_HEADERS = ['x-switchyard-provider', 'x-switchyard-model', 'x-switchyard-route'];

/**
 * The exact-match response cache of chat calls (docs/cache.md, decision 0020). It sits on the one
 * chat path, so Chat Completions, Responses and Messages calls all use it: a hit is presented
 * through the caller's dialect like any answer. Redis when REDIS_URL is set (shared by every
 * instance), else a byte-bounded LRU in this process.
 */
@Injectable()
export class ResponseCache {
  private readonly logger = new Logger(ResponseCache.name);
  private readonly store?: CacheStore;
  private readonly telemetry: Telemetry;

  constructor(
    private readonly config: AppConfig,
    redis: RedisService,
    @Optional() telemetry?: Telemetry,
  ) {
    this.telemetry = telemetry ?? NOOP_TELEMETRY;
    const { maxBytes } = config.cache;
    if (redis.client) this.store = new RedisCacheStore(redis.client);
    else if (maxBytes > 0) this.store = new MemoryCacheStore(maxBytes);
  }

  /**
   * The cache's part in one chat call, decided after planning and before anything is reserved.
   * Undefined when the call is not cached: no TTL (request header, else the route's, else the API
   * key's setting), `no-store`, several
   * answers (`n` > 1), or no store. Otherwise a hit to serve, or a miss whose answer is stored
   * once it is complete.
   */
  async open(
    caller: Caller,
    req: Request,
    request: object,
    targets: readonly PlannedTarget[],
  ): Promise<CacheCall | undefined> {
    if (!this.store) return undefined;
    const body = request as Readonly<Record<string, unknown>>;
    const asked = cacheDirectives(req.headers);
    if (asked.noStore) return undefined;
    const first = targets[0];
    // The request's own TTL wins (ttl=0 turns caching off), then the route's, then the key's.
    const wanted = asked.ttlSeconds ?? first?.cacheTtlSeconds ?? caller.apiKey?.cacheTtlSeconds ?? 0;
    const ttlSeconds = Math.min(wanted, this.config.cache.maxTtlSeconds);
    if (ttlSeconds <= 0 || (body.n ?? 1) !== 1) return undefined;
    const resolved = first?.route ? `route:${first.route}` : targets.map((t) => t.id).join(',');
    const key = `${caller.tenantId}:${cacheKey(caller.tenantId, resolved, body)}`;
    const ttlMs = ttlSeconds * 1000;
    const started = Date.now();
    let answer: CachedAnswer | undefined;
    if (!asked.noCache) {
      answer = await this.read(key, ttlMs, req.id);
      this.telemetry.cacheLookup(answer !== undefined);
    }
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    return new CacheCall(this, caller, req.id, key, ttlMs, started, answer, {
      stream: body.stream === true,
      wantsUsage: streamOptions?.include_usage === true,
    });
  }

  /** An entry younger than the asking call's TTL (it may ask for fresher than the writer kept). */
  private async read(key: string, ttlMs: number, requestId: unknown): Promise<CachedAnswer | undefined> {
    let text: string | undefined;
    try {
      text = await this.store!.get(key);
    } catch (err) {
      this.logger.warn({ req: { id: requestId } }, `response cache read failed: ${(err as Error).message}`);
      return undefined;
    }
    if (text === undefined) return undefined;
    try {
      const answer = JSON.parse(text) as CachedAnswer & { at: number };
      if (answer.v !== 1 || Date.now() - answer.at > ttlMs) return undefined;
      return answer;
    } catch {
      return undefined;
    }
  }

  /** Stores a complete answer, off the response path; one too large is skipped. */
  write(key: string, ttlMs: number, answer: CachedAnswer, requestId: unknown): void {
    const text = JSON.stringify({ ...answer, at: Date.now() });
    if (Buffer.byteLength(text) > this.config.cache.maxEntryBytes) return;
    this.store!.set(key, text, ttlMs).catch((err: unknown) => {
      this.logger.warn({ req: { id: requestId } }, `response cache write failed: ${(err as Error).message}`);
    });
  }

  get maxEntryBytes(): number {
    return this.config.cache.maxEntryBytes;
  }

  get hitPrice(): bigint {
    return this.config.cache.hitPrice;
  }
}

/** One chat call's use of the cache: a hit to serve, or a miss to store. */
export class CacheCall {
  constructor(
    private readonly cache: ResponseCache,
    private readonly caller: Caller,
    /** For the log line of a failed write (a model call names its request itself, decision 0037). */
    private readonly requestId: unknown,
    private readonly key: string,
    private readonly ttlMs: number,
    private readonly started: number,
    private readonly answer: CachedAnswer | undefined,
    private readonly request: { stream: boolean; wantsUsage: boolean },
  ) {}

  get hit(): boolean {
    return this.answer !== undefined;
  }

  /**
   * Serves the hit without reserving or calling upstream: charged the cache price (one ledger
   * entry, none when it is 0) with a usage record marked as a hit, then presented through
   * `output` as a whole answer or replayed as a stream, whichever form the call asked for.
   */
  async serve(res: Response, output: ChatOutput, metering: Metering, requestId: string): Promise<void> {
    const answer = this.answer!;
    const cost = await metering.cacheHit({
      caller: this.caller,
      requestId,
      endpoint: 'chat.completions',
      provider: answer.provider,
      model: answer.model,
      inputTokens: answer.usage.prompt_tokens,
      outputTokens: answer.usage.completion_tokens,
      price: this.cache.hitPrice,
      latencyMs: Date.now() - this.started,
    });
    const headers = { ...answer.headers, 'x-switchyard-cost': formatCredits(cost), [CACHE_HEADER]: 'hit' };
    const usage = { ...answer.usage, cost: formatCredits(cost) };
    if (!this.request.stream) {
      const completion = answer.completion ?? completionFromChunks(answer.chunks ?? []);
      output.json(res, { ...completion, usage }, headers);
      return;
    }
    const chunks = answer.chunks ?? chunksFromCompletion(answer.completion ?? {});
    const sink = output.stream(res);
    sink.start(headers);
    for (const chunk of chunks) {
      if (!sink.open) return;
      await sink.send(chunk);
    }
    const first = chunks[0] ?? {};
    const last = {
      id: first.id,
      object: first.object,
      created: first.created,
      model: first.model,
      choices: [],
      usage,
    };
    sink.done(this.request.wantsUsage ? last : undefined);
  }

  /** `output`, storing the answer it presents once complete and marking it a miss. */
  storing(output: ChatOutput): ChatOutput {
    return {
      json: (res, completion, headers) => {
        this.keepCompletion(completion as Json, headers);
        output.json(res, completion, { ...headers, [CACHE_HEADER]: 'miss' });
      },
      stream: (res) => new RecordingSink(output.stream(res), this, this.cache.maxEntryBytes),
    };
  }

  get clientWantsUsage(): boolean {
    return this.request.wantsUsage;
  }

  private keepCompletion(completion: Json, headers: Record<string, string>): void {
    const choices = Array.isArray(completion.choices) ? (completion.choices as Json[]) : [];
    if (completion.object !== 'chat.completion' || choices.length !== 1) return;
    if (!COMPLETE_FINISH.has(String(choices[0]!.finish_reason))) return;
    const { usage, ...rest } = completion;
    const kept = usageOf(usage);
    if (!kept) return;
    this.keep({ ...this.meta(headers, String(completion.model)), usage: kept, completion: rest });
  }

  /** A complete stream (see {@link RecordingSink}). */
  keepChunks(chunks: Json[], headers: Record<string, string>, usage: unknown): void {
    const kept = usageOf(usage);
    if (!kept || chunks.length === 0) return;
    this.keep({ ...this.meta(headers, String(chunks[0]!.model)), usage: kept, chunks });
  }

  private meta(headers: Record<string, string>, model: string) {
    const kept: Record<string, string> = {};
    for (const name of KEPT_HEADERS) if (headers[name] !== undefined) kept[name] = headers[name];
    return {
      v: 1 as const,
      headers: kept,
      provider: headers['x-switchyard-provider'] ?? model.split('/')[0] ?? '',
      model: headers['x-switchyard-model'] ?? model,
    };
  }

  private keep(answer: CachedAnswer): void {
    this.cache.write(this.key, this.ttlMs, answer, this.requestId);
  }
}

/** A usage object without its `cost` (each call gets its own), or undefined when it has no counts. */
function usageOf(value: unknown): CachedUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { cost: _cost, ...usage } = value as Json;
  if (typeof usage.prompt_tokens !== 'number' || typeof usage.completion_tokens !== 'number')
    return undefined;
  return usage as CachedUsage;
}

/**
 * A stream sink that passes everything on and keeps a copy of each chunk; at a normal end with a
 * complete answer (a finish reason of a complete answer, the usage in hand, the client still
 * there) it stores them. A stream that fails, is cut off or grows past the entry bound is not
 * stored. The usage chunk goes to the client only if it asked for it.
 */
class RecordingSink implements ChunkSink {
  private chunks: string[] = [];
  private bytes = 0;
  private finish: unknown;
  private headers: Record<string, string> = {};

  constructor(
    private readonly inner: ChunkSink,
    private readonly call: CacheCall,
    private readonly maxBytes: number,
  ) {}

  start(headers: Record<string, string>): void {
    this.headers = headers;
    this.inner.start({ ...headers, [CACHE_HEADER]: 'miss' });
  }

  get open(): boolean {
    return this.inner.open;
  }

  send(chunk: unknown): Promise<void> {
    if (this.bytes <= this.maxBytes) {
      const text = JSON.stringify(chunk);
      this.bytes += text.length;
      this.chunks.push(text);
      const choices = (chunk as { choices?: Array<{ finish_reason?: unknown }> }).choices ?? [];
      for (const choice of choices) if (choice.finish_reason) this.finish = choice.finish_reason;
    }
    return this.inner.send(chunk);
  }

  done(last?: unknown): void {
    if (this.inner.open && this.bytes <= this.maxBytes && COMPLETE_FINISH.has(String(this.finish))) {
      const usage = (last as { usage?: unknown } | undefined)?.usage;
      this.call.keepChunks(
        this.chunks.map((text) => JSON.parse(text) as Json),
        this.headers,
        usage,
      );
    }
    this.inner.done(this.call.clientWantsUsage ? last : undefined);
  }

  fail(envelope: Parameters<ChunkSink['fail']>[0]): void {
    this.inner.fail(envelope);
  }
}
