import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';

/**
 * A full GC. One that returns a promise is under way until it settles; `false` (returned or
 * resolved) says it did not run. `stillQuiet` tells a collection that starts later whether it
 * may still run.
 */
type Collect = (stillQuiet?: () => boolean) => void | boolean | Promise<void | boolean>;

/**
 * What the committed heap must have grown by, over the least it held since the last idle GC, for
 * another to be worth it.
 */
const MIN_GROWTH_BYTES = 8 * 1024 * 1024;
const TICK_MS = 500;
/** A young generation (committed) above this has not been given back since the burst. */
const YOUNG_GIVEN_BACK_BYTES = 4 * 1024 * 1024;

/** V8's young generation, committed. */
function youngGeneration(): number {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_size;
  return 0;
}

/**
 * A full garbage collection once the gateway has been quiet for `idleMs` after a burst, and at
 * most one more after another `idleMs` when V8 still holds the young generation grown
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
  /** The quiet spells after which each stage runs (0: that stage is off), for diagnostics and tests. */
  get stages(): { firstMs: number; deeperMs: number } {
    return { firstMs: this.idleMs, deeperMs: this.reduce?.afterMs ?? 0 };
  }

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
  /** The first stage's second look in this quiet spell is done. */
  private retried = false;
  private reduced = false;
  private sizeAfterReduce = 0;
  private collecting = false;
  private timer?: NodeJS.Timeout;

  constructor(
    /** The first stage's quiet spell; 0 leaves only the deeper stage. */
    private readonly idleMs: number,
    private readonly collect: Collect,
    /** The heap's committed size: what RSS follows (a GC under load lowers what is used, not this). */
    private readonly heapSize: () => number = () => getHeapStatistics().total_heap_size,
    /**
     * A second, deeper collection after a longer quiet spell (`memoryReducingGc`): it gives back
     * what `collect` leaves, but the next burst's first seconds pay for it (measured: +30% CPU
     * per call over an 8 s c16 round that follows it), so it waits for `afterMs` of quiet.
     */
    private readonly reduce?: { afterMs: number; collect: Collect },
    /** V8's young generation, committed (see the second try in `tick`). */
    private readonly youngSize: () => number = youngGeneration,
  ) {}

  start(): this {
    this.timer = setInterval(() => this.tick(performance.now()), Math.min(TICK_MS, this.idleMs || TICK_MS));
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One look (exposed for tests): returns whether it asked for a GC. */
  tick(now: number): boolean {
    // V8 gives pages back on its own too (its memory reducer, a GC while allocation is slow): a
    // stage's baseline is the least the heap has held since that stage last ran, not what the
    // stage left. Measured from what it left, a heap shrunk by V8 and grown again by the next
    // burst did not count as grown, and the burst's memory stayed until the deeper stage.
    const size = this.heapSize();
    if (size < this.sizeAfterLast) this.sizeAfterLast = size;
    if (size < this.sizeAfterReduce) this.sizeAfterReduce = size;
    if (this.seen !== this.counted || this.inFlight > 0) {
      this.counted = this.seen;
      this.quietSince = now;
      this.collected = false;
      this.retried = false;
      this.reduced = false;
      return false;
    }
    if (this.collecting) return false;
    const quiet = now - this.quietSince;
    if (this.idleMs === 0) this.collected = true; // the first stage is off
    if (!this.collected && quiet >= this.idleMs) {
      this.collected = true;
      if (size < this.sizeAfterLast + MIN_GROWTH_BYTES) return false;
      this.run(this.collect, this.firstStageLeft);
      return true;
    }
    // A full GC gives the young generation back only when V8's allocation rate over its last ~5 s
    // (counted between GCs) is low, and a GC of V8's own late in the burst or just after it can
    // leave the burst in that window: the young generation stays at its full size (32 MB here)
    // until the deeper stage. So when it is still grown after another IDLE_GC_MS of quiet (read
    // now: the first stage, V8 or the deeper stage may have given it back), one more full GC,
    // when the window holds nothing but the quiet. Once per quiet spell.
    if (this.idleMs > 0 && this.collected && !this.retried && quiet >= 2 * this.idleMs) {
      this.retried = true;
      if (this.youngSize() > YOUNG_GIVEN_BACK_BYTES) {
        this.run(this.collect, this.firstStageLeft);
        return true;
      }
    }
    if (this.reduce && !this.reduced && this.collected && quiet >= this.reduce.afterMs) {
      this.reduced = true;
      if (size < this.sizeAfterReduce + MIN_GROWTH_BYTES) return false;
      this.run(this.reduce.collect, (size) => {
        this.sizeAfterReduce = size;
        this.sizeAfterLast = Math.min(this.sizeAfterLast, size);
      });
      return true;
    }
    return false;
  }

  /** What the first stage left: the next quiet spell compares with it. */
  private readonly firstStageLeft = (size: number): void => {
    this.sizeAfterLast = size;
  };

  /** Runs a collection; `left` gets the heap it left, unless it says it did not run. */
  private run(collect: Collect, left: (size: number) => void): void {
    const done = (ran: void | boolean): void => {
      this.collecting = false;
      if (ran !== false) left(this.heapSize());
    };
    const quietAt = this.seen;
    const running = collect(() => this.seen === quietAt && this.inFlight === 0);
    if (running instanceof Promise) {
      this.collecting = true;
      running.then(done, () => done(false));
    } else done(running);
  }
}

/**
 * The idle collector the settings ask for, not started: a full GC after `idleGcMs` of quiet (0:
 * off, the default) and V8's memory-reducing collection after `idleGcReduceMs` (at least
 * `idleGcMs`; 0: off). Undefined when both are off, or when neither can run in this process.
 */
export function idleGcFor(settings: { idleGcMs: number; idleGcReduceMs: number }): IdleGc | undefined {
  const { idleGcMs, idleGcReduceMs } = settings;
  const collect = idleGcMs > 0 || idleGcReduceMs > 0 ? exposedGc() : undefined;
  const reduce = idleGcReduceMs > 0 ? memoryReducingGc(collect) : undefined;
  const first = idleGcMs > 0 ? collect : undefined;
  if (!first && !reduce) return undefined;
  return new IdleGc(
    first ? idleGcMs : 0,
    first ?? (() => false),
    undefined,
    reduce && { afterMs: Math.max(idleGcReduceMs, idleGcMs), collect: reduce },
  );
}

/**
 * V8's `gc()`: the global one when Node runs with `--expose-gc`, else one made available by
 * turning the flag on now (it applies to contexts created after it). Undefined if neither works.
 */
export function exposedGc(): Collect | undefined {
  // Called with no argument: `gc(anything)` reads it as options and runs a lighter collection
  // (IdleGc passes its collections a `stillQuiet` callback).
  const global = (globalThis as { gc?: () => void }).gc;
  if (typeof global === 'function') return () => global();
  try {
    setFlagsFromString('--expose-gc');
    const made: unknown = runInNewContext('gc');
    return typeof made === 'function' ? () => (made as () => void)() : undefined;
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
 * session would block), so a short-lived worker thread connects to this one, says so, and asks
 * when this thread answers that it is still quiet (a request that came while the worker started
 * cancels it); V8 runs the collection here at its next turn, and the worker exits (~50 ms, a few
 * MB while it lives). No port is opened. Without an inspector in this Node build, or when the
 * worker cannot connect, `fallback` runs instead (if still quiet). Resolves `true` once the
 * collection ran, `false` when it did not (cancelled, refused, or no answer within `timeoutMs`).
 */
export function memoryReducingGc(fallback: Collect | undefined, timeoutMs = 10_000): Collect | undefined {
  if (!process.features.inspector) return fallback;
  const runFallback = async (stillQuiet: () => boolean): Promise<boolean> => {
    if (!fallback || !stillQuiet()) return false;
    try {
      return (await fallback()) !== false;
    } catch {
      return false;
    }
  };
  return (stillQuiet = () => true) =>
    new Promise<boolean>((resolve) => {
      let worker: Worker;
      try {
        worker = new Worker(ASK_FOR_GC, { eval: true, workerData: { timeoutMs } });
      } catch {
        resolve(runFallback(stillQuiet));
        return;
      }
      worker.unref();
      let connected = false;
      let collected = false;
      // The worker ends itself after timeoutMs; this is for a worker that never does.
      const watchdog = setTimeout(() => void worker.terminate(), timeoutMs + 5_000);
      watchdog.unref();
      worker.on('message', (message: unknown) => {
        if (message === 'connected') {
          connected = true;
          worker.postMessage(stillQuiet() ? 'collect' : 'skip');
        } else if (message === 'collected') collected = true;
      });
      worker.on('error', () => undefined);
      worker.once('exit', () => {
        clearTimeout(watchdog);
        resolve(collected ? true : connected ? false : runFallback(stillQuiet));
      });
    });
}

/**
 * The worker's side of `memoryReducingGc`: connect to the main thread, say so, and on `collect`
 * ask its V8 for the memory-reducing collection; then exit.
 */
export const ASK_FOR_GC = `
const { Session } = require('node:inspector');
const { parentPort, workerData } = require('node:worker_threads');
const session = new Session();
session.connectToMainThread();
const timer = setTimeout(() => process.exit(0), workerData.timeoutMs);
parentPort.once('message', (go) => {
  if (go !== 'collect') process.exit(0);
  session.post('HeapProfiler.collectGarbage', (err) => {
    clearTimeout(timer);
    if (!err) parentPort.postMessage('collected');
    // No session.disconnect() before the worker ends: the main thread handling a disconnect while
    // this thread is torn down aborted the process (SIGABRT) within 3 to 63 collections in a row
    // (the idle-gc spec's stress test). The worker's own teardown ends the session.
    parentPort.close();
  });
});
parentPort.postMessage('connected');
`;
