import type { Caller } from '@switchyard/auth';
import { CallAbort } from '@switchyard/core';
import { requestKeysOf } from '@switchyard/providers';
import type { CallContext } from '@switchyard/routing';
import type { Request, Response } from 'express';

const FORWARDED_TO_SIMULATOR = 'x-sim-fault';

function requestIdOf(req: Request): string {
  const id = (req as Request & { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '';
}

/**
 * The per-request context of a /v1 call: ids for the ledger and logs, the caller's own provider
 * keys (X-Provider-Key, and the per-provider headers of libs/providers' PROVIDER_KEY_HEADERS), and an abort signal that fires when the client goes away (so the upstream call stops).
 */
export function callContextFor(caller: Caller, req: Request, res: Response): CallContext {
  // A CallAbort, not an AbortController: Node 20's AbortSignal costs a hidden class and an
  // EventTarget per call (decision 0032); whatever needs a real signal asks for `.signal`.
  const gone = new CallAbort();
  res.on('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  const requestKey = req.headers['x-provider-key'];
  const fault = req.headers[FORWARDED_TO_SIMULATOR];
  return {
    requestId: requestIdOf(req),
    tenantId: caller.tenantId,
    userId: caller.userId,
    apiKeyId: caller.apiKey?.id,
    ip: req.ip,
    requestKey: typeof requestKey === 'string' && requestKey ? requestKey : undefined,
    requestKeys: requestKeysOf(req.headers),
    signal: gone,
    // Fault injection reaches only the simulator (adapters send extra headers as given).
    upstreamHeaders: typeof fault === 'string' ? { [FORWARDED_TO_SIMULATOR]: fault } : undefined,
  };
}
