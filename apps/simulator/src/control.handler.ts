import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http.util.js';
import { asNumber, asRecord, asString } from './json.util.js';
import type { KeyBehaviorStore } from './key-behavior.store.js';
import { providerError } from './provider-error.factory.js';
import type { RequestLogStore } from './request-log.store.js';

/** What the control API can reach. */
export interface ControlState {
  log: RequestLogStore;
  keys: KeyBehaviorStore;
}

export const CONTROL_PREFIX = '/__sim/';

const OK = { status: 'ok' };

function fail(res: ServerResponse, status: number, message: string): void {
  const error = providerError('control', status, { message });
  sendJson(res, error.status, error.body);
}

async function setKey(req: IncomingMessage, res: ServerResponse, keys: KeyBehaviorStore): Promise<void> {
  let body: Record<string, unknown>;
  try {
    body = asRecord(JSON.parse((await readBody(req)).toString('utf8')));
  } catch {
    return fail(res, 400, 'Body must be JSON: {"key":"..","status":429,"retryAfterSeconds":2,"times":1}.');
  }
  const key = asString(body.key);
  if (!key) return fail(res, 400, '"key" is required.');
  if (body.status === null) {
    keys.set(key, null);
    return sendJson(res, 200, OK);
  }
  const status = asNumber(body.status);
  if (status === null || status < 400 || status > 599)
    return fail(res, 400, '"status" must be 400-599, or null to clear.');
  keys.set(key, {
    status,
    retryAfterSeconds: asNumber(body.retryAfterSeconds) ?? undefined,
    times: asNumber(body.times) ?? undefined,
  });
  sendJson(res, 200, OK);
}

/** The out-of-process control API under /__sim/; these requests are never recorded. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  state: ControlState,
): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path.slice(CONTROL_PREFIX.length)}`;
  switch (route) {
    case 'GET health':
      return sendJson(res, 200, OK);
    case 'GET requests':
      return sendJson(res, 200, state.log.records);
    case 'DELETE requests':
      state.log.clear();
      return sendJson(res, 200, OK);
    case 'POST keys':
      return setKey(req, res, state.keys);
    case 'DELETE keys':
      state.keys.clear();
      return sendJson(res, 200, OK);
    case 'POST reset':
      state.log.clear();
      state.keys.clear();
      return sendJson(res, 200, OK);
    default:
      return fail(res, 404, `Unknown control endpoint: ${route}.`);
  }
}
