import type { Exchange } from './exchange.types.js';
import { sendJson } from './http.util.js';
import { providerError } from './provider-error.factory.js';

/** Answers 400 in the exchange's provider shape, naming the offending parameter. */
export function badRequest(ex: Exchange, message: string, param: string | null = null): void {
  const error = providerError(ex.format, 400, { message, param });
  sendJson(ex.res, error.status, error.body);
}
