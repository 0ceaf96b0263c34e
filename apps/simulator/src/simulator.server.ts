import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CloseSignal } from './close.signal.js';
import { CONTROL_PREFIX, handleControl } from './control.handler.js';
import { sendJson } from './http.util.js';
import { GigaChatTokenStore } from './gigachat-token.store.js';
import { ImageStore } from './image.store.js';
import { KeyBehaviorStore } from './key-behavior.store.js';
import { PromptCacheStore } from './prompt-cache.store.js';
import { providerError } from './provider-error.factory.js';
import { RequestLogStore } from './request-log.store.js';
import { runPipeline, type PipelineState } from './request-pipeline.js';
import type { KeyBehavior, Simulator, SimulatorOptions } from './simulator.types.js';

function splitUrl(url: string): [string, URLSearchParams] {
  const at = url.indexOf('?');
  return at < 0 ? [url, new URLSearchParams()] : [url.slice(0, at), new URLSearchParams(url.slice(at + 1))];
}

function failUnexpectedly(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const message = `Simulator error: ${error instanceof Error ? error.message : String(error)}`;
  const body = providerError('openai', 500, { message });
  sendJson(res, body.status, body.body);
}

/** Starts a provider simulator on plain node:http and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const log = new RequestLogStore();
  const keys = new KeyBehaviorStore();
  let seq = 0;
  const promptCache = new PromptCacheStore();
  const gigachatTokens = new GigaChatTokenStore(options.gigachatTokenTtlMs);
  const state: PipelineState = {
    log,
    keys,
    images: new ImageStore(),
    promptCache,
    gigachatTokens,
    record: options.record ?? true,
    defaults: { latencyMs: options.latencyMs ?? 0, chunkDelayMs: options.chunkDelayMs ?? 0 },
    url: '',
    nextSeq: () => ++seq,
  };
  const sockets = new Set<Socket>();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const signal = new CloseSignal();
    // 'close' fires when the response finished or the socket died; either way pending timers must stop.
    res.on('close', () => signal.fire());
    const [path, query] = splitUrl(req.url ?? '/');
    const work = path.startsWith(CONTROL_PREFIX)
      ? handleControl(req, res, path, { log, keys })
      : runPipeline(state, req, res, path, query, signal);
    work.catch((error: unknown) => failUnexpectedly(res, error));
  };

  const server = createServer({ noDelay: true, keepAlive: true }, onRequest);
  // Hanging requests must not be cut by Node's own timeouts; the client decides when to give up.
  server.requestTimeout = 0;
  server.on('connection', (socket: Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
  state.url = url;

  let closed: Promise<void> | null = null;
  return {
    url,
    port: address.port,
    get requests() {
      return log.records;
    },
    clearRequests: () => log.clear(),
    invalidateKey: (key: string) => keys.set(key, { status: 401 }),
    setKeyBehavior: (key: string, behavior: KeyBehavior | null) => keys.set(key, behavior),
    revokeGigaChatTokens: () => gigachatTokens.revokeAll(),
    reset: () => {
      log.clear();
      keys.clear();
      promptCache.clear();
      gigachatTokens.clear();
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
