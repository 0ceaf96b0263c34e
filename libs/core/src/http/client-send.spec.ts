import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { drained, setClientSendTimeout } from './client-send.js';

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/**
 * A real server and a raw client that sends one request and then reads nothing: the server
 * writes until its socket stops taking bytes, then waits in `drained`.
 */
async function stuckClient(): Promise<{
  server: Server;
  client: Socket;
  res: ServerResponse;
  written: number;
}> {
  let written = 0;
  const server = createServer();
  const ready = new Promise<ServerResponse>((resolve) => {
    server.on('request', (_req, res: ServerResponse) => {
      const fill = (): void => {
        // Past the kernel's buffers the socket keeps what it cannot send: stop once it waits.
        while (res.write(CHUNK)) written += CHUNK.length;
        written += CHUNK.length;
        const check = setTimeout(() => resolve(res), 300);
        res.once('drain', () => {
          clearTimeout(check);
          fill();
        });
      };
      fill();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  client.on('connect', () => {
    client.write('GET / HTTP/1.1\r\nhost: test\r\n\r\n');
    client.pause();
  });
  client.on('error', () => undefined);
  const res = await ready;
  return { server, client, res, written };
}

describe('drained (a response waiting for its client)', () => {
  let open: Awaited<ReturnType<typeof stuckClient>> | undefined;
  afterEach(async () => {
    setClientSendTimeout(60_000);
    open?.client.destroy();
    await new Promise((r) => open?.server.close(r) ?? r(undefined));
    open = undefined;
  });

  it('cuts off a client that takes no bytes for the send timeout, and says so once', async () => {
    const cut: number[] = [];
    setClientSendTimeout(400, (_res, waitedMs) => cut.push(waitedMs));
    open = await stuckClient();
    expect(open.res.writableNeedDrain).toBe(true);
    const started = Date.now();
    await drained(open.res);
    expect(open.res.destroyed).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(cut).toHaveLength(1);
    expect(cut[0]).toBeGreaterThanOrEqual(350);
  });

  it('resolves on drain when the client reads again within the timeout, and cuts nothing', async () => {
    const cut: number[] = [];
    setClientSendTimeout(2_000, () => cut.push(1));
    open = await stuckClient();
    const waiting = drained(open.res);
    open.client.resume();
    await waiting;
    expect(open.res.destroyed).toBe(false);
    expect(cut).toHaveLength(0);
  });

  // A client "sips": every 100 ms it reads 1.5 MB, then stops. Against a 1 s limit that is ten
  // reads per window, each one large enough that a few of them free the third of the sender's
  // socket buffer (4 MB here) the kernel waits for before it takes more; reading a byte budget,
  // not for a time, keeps the pace the same on a contended host (CI runs suites in parallel on
  // two cores), where a 3 ms read every 150 ms against a 400 ms limit failed once. The client is
  // its own process, so the server's work in this one (the 64 MB write, a collection) does not
  // hold up its reads; a pause of this process as long as the limit can still look like a still
  // client to the server's timer, as it would in production.
  const SIP_EVERY_MS = 100;
  const SIP_BYTES = 1.5 * 1024 * 1024;
  const LIMIT_MS = 1_000;
  // More than 25 sips take (~38 MB), and not so much that draining the rest is slow on a busy host.
  const BIG = 64 * 1024 * 1024;
  const SIPPER = `
    const [port, sipBytes, everyMs] = process.argv.slice(1).map(Number);
    const client = require('node:net').connect(port, '127.0.0.1', () => {
      client.write('GET / HTTP/1.1\\r\\nhost: test\\r\\n\\r\\n');
      client.pause();
    });
    client.on('error', () => undefined);
    client.on('close', () => process.exit(0));
    let budget = 0;
    client.on('data', (chunk) => {
      budget -= chunk.length;
      if (budget <= 0) client.pause();
    });
    const timer = setInterval(() => {
      budget = sipBytes;
      client.resume();
    }, everyMs);
    process.on('message', (m) => {
      clearInterval(timer);
      budget = m === 'stop' ? 0 : Infinity;
      if (m === 'stop') client.pause();
      else client.resume();
      process.send(m);
    });
  `;
  /** A server whose one response writes BIG at once, and a sipping client in another process. */
  const sippedServer = async (
    onResponse: (res: ServerResponse) => void,
  ): Promise<{ res: ServerResponse; stop(): Promise<void>; readAll(): Promise<void> }> => {
    const server = createServer();
    const ready = new Promise<ServerResponse>((resolve) => {
      server.on('request', (_req, res: ServerResponse) => {
        // One event far larger than the socket takes in the time below at the pace below.
        res.write(Buffer.alloc(BIG, 'x'));
        onResponse(res);
        resolve(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const child = spawn(
      process.execPath,
      ['-e', SIPPER, String(port), String(SIP_BYTES), String(SIP_EVERY_MS)],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const tell = (m: 'stop' | 'readAll') =>
      new Promise<void>((r) => {
        // A client the server cut off has exited (it leaves when its socket closes).
        if (!child.connected) return r();
        child.once('message', () => r());
        child.once('exit', () => r());
        child.send(m);
      });
    const res = await ready;
    open = {
      server,
      client: { destroy: () => child.kill() } as unknown as Socket,
      res,
      written: 0,
    };
    return { res, stop: () => tell('stop'), readAll: () => tell('readAll') };
  };

  // The wait may start in the same tick as the write (the SSE writer's case: Node hands a chunked
  // response's write to libuv only on the next tick) or after the write reached the socket.
  it.each([
    ['after the write reached the socket', false],
    ['in the same tick as the write', true],
  ])(
    'does not cut off a client that reads one write larger than the limit lets through slowly (wait %s)',
    async (_when, sameTick) => {
      const cut: number[] = [];
      setClientSendTimeout(LIMIT_MS, (_res, waitedMs) => cut.push(waitedMs));
      let waiting: Promise<void> | undefined;
      const { res, stop, readAll } = await sippedServer((res) => {
        if (sameTick) waiting = drained(res);
      });
      expect(res.writableNeedDrain).toBe(true);
      waiting ??= drained(res);
      let settled = false;
      void waiting.then(() => (settled = true));
      // Two and a half limits: a wait counted from its start (the old code) is cut off by then.
      await new Promise((r) => setTimeout(r, 2.5 * LIMIT_MS));
      await stop();
      // Still waiting (the sips never drained the write), and not cut off.
      expect(settled).toBe(false);
      expect(res.destroyed).toBe(false);
      expect(cut).toHaveLength(0);
      await readAll();
      await waiting;
      expect(res.destroyed).toBe(false);
      expect(cut).toHaveLength(0);
    },
    15_000,
  );

  it('cuts off a client that read for a while and then stopped, counting from its last read', async () => {
    const cut: number[] = [];
    setClientSendTimeout(LIMIT_MS, (_res, waitedMs) => cut.push(waitedMs));
    const { res, stop } = await sippedServer(() => undefined);
    const waiting = drained(res);
    await new Promise((r) => setTimeout(r, 1.5 * LIMIT_MS));
    await stop();
    const stopped = Date.now();
    expect(res.destroyed).toBe(false);
    await waiting;
    expect(res.destroyed).toBe(true);
    expect(cut).toHaveLength(1);
    expect(cut[0]).toBeGreaterThanOrEqual(LIMIT_MS - 50);
    // Between one and two limits after its last read (and a second of slack for a busy host's timers).
    expect(Date.now() - stopped).toBeLessThan(3 * LIMIT_MS);
  }, 15_000);

  it('resolves when the client goes away while the response waits', async () => {
    setClientSendTimeout(0);
    open = await stuckClient();
    const waiting = drained(open.res);
    open.client.destroy();
    await waiting;
    expect(open.res.destroyed).toBe(true);
  });

  it('does not wait (nor arm a timer) when nothing is buffered or the response is over', async () => {
    setClientSendTimeout(50, () => {
      throw new Error('no cut-off expected');
    });
    open = await stuckClient();
    open.res.destroy();
    await drained(open.res);
    const idle = { destroyed: false, writableEnded: false, writableNeedDrain: false } as ServerResponse;
    await drained(idle);
    await new Promise((r) => setTimeout(r, 100));
  });

  it('with the timeout off (0), a client that reads nothing is waited for', async () => {
    setClientSendTimeout(0);
    open = await stuckClient();
    let settled = false;
    void drained(open.res).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 500));
    expect(settled).toBe(false);
    expect(open.res.destroyed).toBe(false);
  });
});
