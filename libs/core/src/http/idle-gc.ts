import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';

/** A full GC; one that returns a promise is under way until it settles. */
type Collect = () => void | Promise<void>;

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
 * Since the eighth session the gateway asks for V8's memory-reducing collection instead
 * (`memoryReducingGc`), which also compacts the old generation and shrinks the new space.
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
  private collecting = false;
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
    if (this.collected || this.collecting || now - this.quietSince < this.idleMs) return false;
    this.collected = true;
    if (this.heapSize() < this.sizeAfterLast + MIN_GROWTH_BYTES) return false;
    // What the collection left; the next quiet spell compares with it.
    const done = (): void => {
      this.collecting = false;
      this.sizeAfterLast = this.heapSize();
    };
    const running = this.collect();
    if (running instanceof Promise) {
      this.collecting = true;
      running.then(done, done);
    } else done();
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

/**
 * The collection V8 runs under memory pressure (`LowMemoryNotification`: full GCs that compact
 * the old generation and shrink the new space to its minimum), which `gc()` does not give: after
 * three c64 bursts `gc()` left a 97-125 MB heap and 177-204 MB of RSS, this 65 MB and 144 MB.
 * JavaScript can ask for it only through the inspector protocol (`HeapProfiler.collectGarbage`),
 * and a session on this thread cannot (V8 runs it as a task of this thread, which the synchronous
 * session would block), so a short-lived worker thread connects to this one and asks; V8 runs
 * the collection here once this thread is idle, and the worker exits (~50 ms, a few MB while it
 * lives). No port is opened. Without an inspector in this Node build, or when the worker fails,
 * `fallback` runs instead. Settles once the collection ran (or after `timeoutMs`).
 */
export function memoryReducingGc(fallback: Collect | undefined, timeoutMs = 10_000): Collect | undefined {
  if (!process.features.inspector) return fallback;
  return () =>
    new Promise<void>((resolve) => {
      let answered = false;
      let worker: Worker;
      try {
        worker = new Worker(ASK_FOR_GC, { eval: true, workerData: { timeoutMs } });
      } catch {
        void Promise.resolve(fallback?.()).finally(resolve);
        return;
      }
      worker.unref();
      worker.once('message', (message: unknown) => {
        answered = message === 'ok';
      });
      worker.once('error', () => undefined);
      worker.once('exit', () => {
        if (answered) resolve();
        else void Promise.resolve(fallback?.()).finally(resolve);
      });
    });
}

/** The worker's side of `memoryReducingGc`: ask the main thread's V8 for its collection, then exit. */
const ASK_FOR_GC = `
const { Session } = require('node:inspector');
const { parentPort, workerData } = require('node:worker_threads');
const session = new Session();
session.connectToMainThread();
const timer = setTimeout(() => process.exit(0), workerData.timeoutMs);
session.post('HeapProfiler.collectGarbage', (err) => {
  clearTimeout(timer);
  session.disconnect();
  parentPort.postMessage(err ? 'failed' : 'ok');
});
`;
