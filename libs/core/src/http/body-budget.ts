import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { ServerBusyError } from '../errors/api-error.js';

const DIGITS = /^[0-9]{1,15}$/;

/** Seconds a refused caller is asked to wait: big bodies in flight finish within seconds. */
const RETRY_AFTER_SECONDS = 1;

const MB = 1024 * 1024;

/**
 * The V8 heap limit (`--max-old-space-size`) an instance needs so that `budget` body bytes in
 * flight cannot end it with "heap out of memory": about 7x the bytes (a body's copies while its
 * call runs, measured in docs/performance.md, Memory) plus 150 MB for the live heap and V8's
 * margin. Decision 0031.
 */
export function heapNeededForBodies(budget: number): number {
  return 7 * budget + 150 * MB;
}

/**
 * What to tell the operator at start when the process's heap limit is below what the bound needs
 * (null when it is not, or when there is no bound).
 */
export function heapLimitWarning(budget: number, heapLimit: number): string | null {
  if (budget <= 0) return null;
  const needed = heapNeededForBodies(budget);
  if (heapLimit >= needed) return null;
  return (
    `Node's heap limit (${Math.floor(heapLimit / MB)} MB) is below what MAX_BODY_BYTES_IN_FLIGHT ` +
    `(${Math.round(budget / MB)} MiB of request bodies at once) may need (${Math.ceil(needed / MB)} MB: ` +
    `7x the bound plus 150 MB): a burst of large bodies could end the process with "heap out of memory". ` +
    `Raise --max-old-space-size to ${Math.ceil(needed / MB)} in NODE_OPTIONS, keeping its other flags (the image's: ` +
    `NODE_OPTIONS="--max-old-space-size=${Math.ceil(needed / MB)} --max-semi-space-size=8 --use-largepages=silent") ` +
    `or lower MAX_BODY_BYTES_IN_FLIGHT; see docs/operations.md (Memory).`
  );
}

/**
 * The request-body bytes one instance holds at once (issue 20, memory). A `/v1` body lives in
 * memory for its whole call, several times over (the buffer, the parsed prompt, the upstream body
 * built from it: about 7x its size), so a few concurrent maximum-size bodies decide the process's
 * peak. Each request is counted by its declared Content-Length (a body without one, chunked, by
 * `largest`, the most any route may read) from before its body is read until its response has
 * closed; a request that would take the total over `budget` is refused before a byte of its body
 * is read, with a 503 and `Retry-After`, in the caller's dialect, and nothing of it runs.
 */
export class BodyBudget {
  private inFlight = 0;

  constructor(
    private readonly budget: number,
    private readonly largest: number,
  ) {}

  /**
   * Counts `bytes` a call holds besides its body (an image the vision bridge fetched for it) until
   * `give` hands them back, at most the whole bound (a single holder larger than it is served when
   * nothing else is in flight, not refused forever); returns what it counted. A 503 with
   * `Retry-After`, counting nothing, when they would take the total over the bound.
   */
  take(bytes: number): number {
    const counted = Math.min(bytes, this.budget);
    if (this.inFlight + counted > this.budget) {
      throw new ServerBusyError(
        'The gateway is holding as many request bytes as it may; retry shortly.',
        RETRY_AFTER_SECONDS,
      );
    }
    this.inFlight += counted;
    return counted;
  }

  give(bytes: number): void {
    this.inFlight -= bytes;
  }

  /**
   * Counts `bytes` as `take` does until the response closes; nothing when it already has
   * ('close' comes once per response, after its end or when its client is gone).
   */
  holdUntilClosed(res: Response, bytes: number): void {
    if (bytes <= 0 || res.destroyed) return;
    const counted = this.take(bytes);
    res.once('close', () => this.give(counted));
  }

  /** The middleware; mount it on `/v1` before any body reader. */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction): void => {
      const bytes = this.bytesOf(req);
      if (bytes === 0) return next();
      try {
        this.holdUntilClosed(res, bytes);
      } catch (error) {
        next(error);
        return;
      }
      next();
    };
  }

  private bytesOf(req: Request): number {
    const length = req.headers['content-length'];
    if (length !== undefined) {
      if (!DIGITS.test(length)) return 0; // the body reader refuses it
      // Over `largest`, its reader refuses it after at most `largest` bytes.
      return Math.min(Number(length), this.largest);
    }
    return req.headers['transfer-encoding'] !== undefined ? this.largest : 0;
  }
}

const budgets = new WeakMap<AppConfig, BodyBudget | null>();

/**
 * The instance's one budget for this configuration (null: MAX_BODY_BYTES_IN_FLIGHT is 0, no
 * bound): the /v1 middleware and whatever else holds request bytes for a call count in it.
 */
export function bodyBudgetOf(config: AppConfig): BodyBudget | null {
  let budget = budgets.get(config);
  if (budget === undefined) {
    budget =
      config.http.maxBodyBytesInFlight > 0
        ? new BodyBudget(config.http.maxBodyBytesInFlight, config.http.largestBodyBytes)
        : null;
    budgets.set(config, budget);
  }
  return budget;
}
