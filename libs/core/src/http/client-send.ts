import type { ServerResponse } from 'node:http';

/**
 * How long a response may wait for its client to take more bytes (`CLIENT_SEND_TIMEOUT_MS`;
 * 0: without limit). Set once at start (`configureHttp`); one gateway per process.
 */
let sendTimeoutMs = 60_000;
let onCutOff: ((res: ServerResponse, waitedMs: number) => void) | undefined;

export function setClientSendTimeout(
  ms: number,
  cutOff?: (res: ServerResponse, waitedMs: number) => void,
): void {
  sendTimeoutMs = ms;
  onCutOff = cutOff;
}

const NOW: Promise<void> = Promise.resolve();

/**
 * Resolves when the response can take more (`drain`) or is gone (`close`). A client that takes
 * nothing for `CLIENT_SEND_TIMEOUT_MS` while the response waits is cut off: the response is
 * destroyed, which ends the call as a client's disconnect does (the upstream call stops, what
 * was delivered is charged). Without it, a client that stops reading without closing held its
 * stream, its upstream connection and its place in flight for good: the call's own deadline is
 * paused while a chunk waits for the client (its pace is not the upstream's).
 */
export function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed || res.writableEnded || !res.writableNeedDrain) return NOW;
  return new Promise<void>((resolve) => {
    const started = Date.now();
    const timer =
      sendTimeoutMs > 0
        ? setTimeout(() => {
            onCutOff?.(res, Date.now() - started);
            res.destroy();
          }, sendTimeoutMs)
        : undefined;
    const done = (): void => {
      clearTimeout(timer);
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
