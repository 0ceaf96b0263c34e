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

/** Bytes the response still holds: its own buffer, and what the socket has yet to hand to the kernel. */
interface Pending {
  buffered: number;
  queued: number;
}

/**
 * `writableLength` only drops when a whole write completes; libuv's write queue (the handle's
 * `writeQueueSize`, read by Node itself for `bufferSize`) drops as the kernel takes part of one.
 * On a plain TCP socket (the gateway serves plain HTTP) the handle is libuv's own; behind a TLS
 * socket it would be the TLS wrap's, which moves only per whole write.
 */
function pending(res: ServerResponse): Pending {
  const handle = (res.socket as unknown as { _handle?: { writeQueueSize?: number } } | null)?._handle;
  return { buffered: res.writableLength, queued: handle?.writeQueueSize ?? 0 };
}

/**
 * Resolves when the response can take more (`drain`) or is gone (`close`). A client that takes
 * no bytes for `CLIENT_SEND_TIMEOUT_MS` while the response waits is cut off: the response is
 * destroyed, which ends the call as a client's disconnect does (the upstream call stops, what
 * was written to the connection is charged). A client that reads, however slowly, is not: the
 * limit is on a time without progress, as nginx's `send_timeout` is, not on the whole wait.
 * Progress is looked at each time the limit passes, so a client that stops is cut off between
 * one and two limits after its last read.
 * Without it, a client that stops reading without closing held its stream, its upstream
 * connection and its place in flight for good: the call's own deadline is paused while a chunk
 * waits for the client (its pace is not the upstream's).
 */
export function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed || res.writableEnded || !res.writableNeedDrain) return NOW;
  const limitMs = sendTimeoutMs;
  return new Promise<void>((resolve) => {
    let since = Date.now();
    let last = pending(res);
    let timer: NodeJS.Timeout | undefined;
    const check = (): void => {
      if (res.destroyed) return;
      const now = pending(res);
      // Any change is progress: nothing else writes while the response waits, and the write that
      // made it wait may reach libuv's queue only after this wait began (Node holds a chunked
      // response's socket writes until the next tick), so the queue can grow once before it drops.
      if (now.buffered !== last.buffered || now.queued !== last.queued) {
        since = Date.now();
        last = now;
        timer = setTimeout(check, limitMs);
        return;
      }
      res.destroy();
      try {
        onCutOff?.(res, Date.now() - since);
      } catch {
        // The report is a log line; the cut-off has happened either way.
      }
    };
    if (limitMs > 0) timer = setTimeout(check, limitMs);
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
