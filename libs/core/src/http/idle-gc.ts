import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = () => void;

/** What the committed heap must have grown by since the last idle GC for another to be worth it. */
const MIN_GROWTH_BYTES = 8 * 1024 * 1024;
const TICK_MS = 500;

/**
 * One full garbage collection once the gateway has been quiet for `idleMs` after a burst
 * (decision 0033): not while any request is still being served (a long stream), and health checks
 * do not count as traffic. Under load V8 collects the old generation rarely (decision 0032 made it rarer
 * still), and once requests stop nothing allocates, so nothing triggers a GC: what the burst left
 * stays in the heap (and in RSS) until the next one. A request costs two counter increments and
 * a `close` listener; a timer, unref'd, notices when the count has stood still for `idleMs` and the heap
 * V8 holds (committed, not used: a full GC late in the burst leaves little in use but keeps the
 * pages) has grown since the last such GC, and runs a full GC. A synchronous one: V8 gives the freed
 * pages back to the system after it, not after an incremental one (measured: RSS 198 -> 188 MB
 * against 201 -> 200 MB), at the price of a pause (60-100 ms here) while nothing is being served.
 */
export class IdleGc {
  /** Requests seen so far, and those not finished; kept by the HTTP edge (health checks aside). */
  seen = 0;
  inFlight = 0;
  /** Called when a request's response closes. */
  readonly finished = (): void => {
    this.inFlight--;
  };
  private counted = -1;
  private quietSince = 0;
  private sizeAfterLast = 0;
  private collected = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly idleMs: number,
    private readonly collect: Collect,
    /** The heap's committed size: what RSS follows (a GC under load lowers what is used, not this). */
    private readonly heapSize: () => number = () => getHeapStatistics().total_heap_size,
  ) {}

  start(): this {
    this.timer = setInterval(() => this.tick(performance.now()), Math.min(TICK_MS, this.idleMs));
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One look (exposed for tests): returns whether it asked for a GC. */
  tick(now: number): boolean {
    if (this.seen !== this.counted || this.inFlight > 0) {
      this.counted = this.seen;
      this.quietSince = now;
      this.collected = false;
      return false;
    }
    if (this.collected || now - this.quietSince < this.idleMs) return false;
    this.collected = true;
    if (this.heapSize() < this.sizeAfterLast + MIN_GROWTH_BYTES) return false;
    this.collect();
    // What the collection left (it is synchronous); the next quiet spell compares with it.
    this.sizeAfterLast = this.heapSize();
    return true;
  }
}

/**
 * V8's `gc()`: the global one when Node runs with `--expose-gc`, else one made available by
 * turning the flag on now (it applies to contexts created after it). Undefined if neither works.
 */
export function exposedGc(): Collect | undefined {
  const global = (globalThis as { gc?: Collect }).gc;
  if (typeof global === 'function') return global;
  try {
    setFlagsFromString('--expose-gc');
    const made: unknown = runInNewContext('gc');
    return typeof made === 'function' ? (made as Collect) : undefined;
  } catch {
    return undefined;
  }
}
