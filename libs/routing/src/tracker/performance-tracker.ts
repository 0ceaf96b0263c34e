import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { RedisService } from '@switchyard/core';

/** The rolling window the tracker keeps: 5 minutes in 10-second buckets. */
const BUCKET_MS = 10_000;
const WINDOW_BUCKETS = 30;
/** Targets tracked at once; the least recently used is forgotten beyond this. */
const MAX_TARGETS = 2_000;
/** How often local counts go to Redis and the shared view comes back. */
const SYNC_MS = 1_000;
const KEY_PREFIX = 'sy:perf:';

/** One bucket's sums; every field is additive, so instances merge by adding. */
interface Sums {
  calls: number;
  errors: Record<string, number>;
  ttftSum: number;
  ttftCount: number;
  latencySum: number;
  latencyCount: number;
  outputTokens: number;
  generationMs: number;
}

function emptySums(): Sums {
  return {
    calls: 0,
    errors: {},
    ttftSum: 0,
    ttftCount: 0,
    latencySum: 0,
    latencyCount: 0,
    outputTokens: 0,
    generationMs: 0,
  };
}

function add(into: Sums, from: Sums): void {
  into.calls += from.calls;
  for (const [k, v] of Object.entries(from.errors)) into.errors[k] = (into.errors[k] ?? 0) + v;
  into.ttftSum += from.ttftSum;
  into.ttftCount += from.ttftCount;
  into.latencySum += from.latencySum;
  into.latencyCount += from.latencyCount;
  into.outputTokens += from.outputTokens;
  into.generationMs += from.generationMs;
}

interface TargetState {
  inFlight: number;
  /** bucket start (ms) -> sums recorded here (all of them without Redis). */
  local: Map<number, Sums>;
  /** Local sums not yet sent to Redis. */
  unsent: Map<number, Sums>;
  /** The window as every instance recorded it (Redis), refreshed every second. */
  shared?: Sums;
  /** The tracker's record count when a call last recorded into it: the least recent is forgotten first. */
  usedAt: number;
}

/** What the stats endpoint and the strategies read for one target. */
export interface TargetStats {
  target: string;
  window_seconds: number;
  /** Calls in flight on this instance. */
  in_flight: number;
  calls: number;
  errors: Record<string, number>;
  error_rate: number;
  /** Mean time to first token (streams) or to the answer (non-streaming calls), ms. */
  ttft_ms: number | null;
  /** Mean total latency, ms. */
  latency_ms: number | null;
  /** Output tokens per second of generation (after the first token). */
  output_tokens_per_second: number | null;
  /** Whether the figures include other instances (Redis). */
  shared: boolean;
}

/**
 * Per target (`provider/model`): calls in flight, and over the last five minutes the calls,
 * errors by class, mean time to first token, mean latency and output tokens per second. Bounded:
 * 30 buckets per target, at most 2,000 targets. With Redis, every instance adds its buckets to
 * shared hashes once a second and reads the merged window back, so strategies and the stats
 * endpoint see the whole fleet; calls in flight stay per instance.
 */
@Injectable()
export class PerformanceTracker implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PerformanceTracker.name);
  private readonly targets = new Map<string, TargetState>();
  /** Records so far: a target's recency stamp (exact where milliseconds would tie). */
  private records = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly redis: RedisService) {}

  onModuleInit(): void {
    if (!this.redis.enabled) return;
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sync();
  }

  /** A call to `target` starts; the returned function ends it (in-flight count). */
  begin(target: string): () => void {
    const state = this.state(target);
    state.inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      state.inFlight--;
    };
  }

  /** The call reached its first token (or its whole answer) after `ttftMs`. */
  firstToken(target: string, ttftMs: number): void {
    const sums = this.bucket(target);
    sums.calls++;
    sums.ttftSum += ttftMs;
    sums.ttftCount++;
  }

  /** The call failed before its first token, with this error class. */
  failure(target: string, errorClass: string): void {
    const sums = this.bucket(target);
    sums.calls++;
    sums.errors[errorClass] = (sums.errors[errorClass] ?? 0) + 1;
  }

  /** The call finished: total latency and output tokens (tokens/s over the time after the first). */
  finished(target: string, latencyMs: number, outputTokens: number, ttftMs: number): void {
    const sums = this.bucket(target);
    sums.latencySum += latencyMs;
    sums.latencyCount++;
    if (outputTokens > 0 && latencyMs > ttftMs) {
      sums.outputTokens += outputTokens;
      sums.generationMs += latencyMs - ttftMs;
    }
  }

  inFlight(target: string): number {
    return this.targets.get(target)?.inFlight ?? 0;
  }

  /** Mean time to first token over the window, or undefined when nothing was measured. */
  ttftMs(target: string): number | undefined {
    const sums = this.window(target);
    return sums.ttftCount > 0 ? sums.ttftSum / sums.ttftCount : undefined;
  }

  stats(target: string): TargetStats {
    const sums = this.window(target);
    const errors = Object.values(sums.errors).reduce((a, b) => a + b, 0);
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      target,
      window_seconds: (BUCKET_MS * WINDOW_BUCKETS) / 1000,
      in_flight: this.inFlight(target),
      calls: sums.calls,
      errors: sums.errors,
      error_rate: sums.calls > 0 ? round((errors / sums.calls) * 1000) / 1000 : 0,
      ttft_ms: sums.ttftCount > 0 ? round(sums.ttftSum / sums.ttftCount) : null,
      latency_ms: sums.latencyCount > 0 ? round(sums.latencySum / sums.latencyCount) : null,
      output_tokens_per_second:
        sums.generationMs > 0 ? round(sums.outputTokens / (sums.generationMs / 1000)) : null,
      shared: this.redis.enabled,
    };
  }

  /** Sends local counts to Redis and reads every instance's window back (with Redis only). */
  async sync(): Promise<void> {
    const client = this.redis.client;
    if (!client) return;
    const now = bucketStart(Date.now());
    const oldest = now - (WINDOW_BUCKETS - 1) * BUCKET_MS;
    const ttlSeconds = Math.ceil((BUCKET_MS * (WINDOW_BUCKETS + 1)) / 1000);
    try {
      const pipeline = client.pipeline();
      for (const [target, state] of this.targets) {
        for (const [start, sums] of state.unsent) {
          const key = `${KEY_PREFIX}${target}:${start}`;
          for (const [field, value] of Object.entries(flatten(sums))) {
            if (value !== 0) pipeline.hincrbyfloat(key, field, value);
          }
          pipeline.expire(key, ttlSeconds);
        }
        state.unsent.clear();
      }
      await pipeline.exec();
      const read = client.pipeline();
      const order: Array<[string, number]> = [];
      for (const target of this.targets.keys()) {
        for (let start = oldest; start <= now; start += BUCKET_MS) {
          read.hgetall(`${KEY_PREFIX}${target}:${start}`);
          order.push([target, start]);
        }
      }
      const results = (await read.exec()) ?? [];
      const merged = new Map<string, Sums>();
      results.forEach(([err, value], i) => {
        if (err || !value) return;
        const [target] = order[i]!;
        const sums = merged.get(target) ?? emptySums();
        add(sums, unflatten(value as Record<string, string>));
        merged.set(target, sums);
      });
      for (const [target, state] of this.targets) state.shared = merged.get(target) ?? emptySums();
    } catch (err) {
      this.logger.warn(`performance stats sync failed: ${(err as Error).message}`);
    }
  }

  private window(target: string): Sums {
    const state = this.targets.get(target);
    if (!state) return emptySums();
    if (state.shared) {
      // The shared view lags by up to a second: add what this instance has not sent yet.
      const sums = emptySums();
      add(sums, state.shared);
      for (const unsent of state.unsent.values()) add(sums, unsent);
      return sums;
    }
    const oldest = bucketStart(Date.now()) - (WINDOW_BUCKETS - 1) * BUCKET_MS;
    const sums = emptySums();
    for (const [start, bucket] of state.local) if (start >= oldest) add(sums, bucket);
    return sums;
  }

  private state(target: string): TargetState {
    const stamp = ++this.records;
    let state = this.targets.get(target);
    if (state) {
      // A stamp, not a delete and re-insert: that made the map rebuild its table every few
      // calls, a few hundred bytes of garbage per call (issue 20).
      state.usedAt = stamp;
      return state;
    }
    if (this.targets.size >= MAX_TARGETS) this.forgetLeastRecent();
    state = { inFlight: 0, local: new Map(), unsent: new Map(), usedAt: stamp };
    this.targets.set(target, state);
    return state;
  }

  /** Drops the target recorded into least recently (a scan, only when a new one comes at the cap). */
  private forgetLeastRecent(): void {
    let oldest: string | undefined;
    let oldestAt = Infinity;
    for (const [target, state] of this.targets) {
      if (state.usedAt < oldestAt) {
        oldest = target;
        oldestAt = state.usedAt;
      }
    }
    if (oldest !== undefined) this.targets.delete(oldest);
  }

  /** The sums this instance records into now: its window without Redis, its unsent delta with. */
  private bucket(target: string): Sums {
    const state = this.state(target);
    const start = bucketStart(Date.now());
    const into = this.redis.enabled ? state.unsent : state.local;
    let sums = into.get(start);
    if (!sums) {
      sums = emptySums();
      into.set(start, sums);
      const oldest = start - (WINDOW_BUCKETS - 1) * BUCKET_MS;
      for (const key of into.keys()) if (key < oldest) into.delete(key);
    }
    return sums;
  }
}

function bucketStart(ms: number): number {
  return ms - (ms % BUCKET_MS);
}

function flatten(sums: Sums): Record<string, number> {
  const out: Record<string, number> = {
    calls: sums.calls,
    ttft_sum: sums.ttftSum,
    ttft_n: sums.ttftCount,
    lat_sum: sums.latencySum,
    lat_n: sums.latencyCount,
    out_tok: sums.outputTokens,
    gen_ms: sums.generationMs,
  };
  for (const [k, v] of Object.entries(sums.errors)) out[`err:${k}`] = v;
  return out;
}

function unflatten(hash: Record<string, string>): Sums {
  const n = (k: string) => Number(hash[k] ?? 0) || 0;
  const errors: Record<string, number> = {};
  for (const [k, v] of Object.entries(hash)) if (k.startsWith('err:')) errors[k.slice(4)] = Number(v) || 0;
  return {
    calls: n('calls'),
    errors,
    ttftSum: n('ttft_sum'),
    ttftCount: n('ttft_n'),
    latencySum: n('lat_sum'),
    latencyCount: n('lat_n'),
    outputTokens: n('out_tok'),
    generationMs: n('gen_ms'),
  };
}
