import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ProviderCredentials } from '../provider.port.js';

/** Clients kept alive at once per wire format; each holds its base URL's keep-alive connections. */
const MAX_CLIENTS = 256;

/**
 * One SDK client per base URL + key (+ default headers), least recently used evicted, so
 * connection reuse survives between calls while credentials still arrive with every call. Keys
 * are hashed before they become map keys.
 */
export class ClientCache<T extends object> {
  private readonly clients = new LRUCache<string, T>({ max: MAX_CLIENTS });

  constructor(private readonly create: (creds: ProviderCredentials) => T) {}

  get(creds: ProviderCredentials): T {
    // A provider whose default headers change gets a new client, not the old headers. One-shot
    // `hash` costs a fraction of a `Hash` object per call (issue 20).
    const text = creds.headers
      ? `${creds.baseUrl}\n${creds.apiKey}\n${JSON.stringify(creds.headers)}`
      : `${creds.baseUrl}\n${creds.apiKey}`;
    const id = hash('sha256', text, 'base64url');
    let client = this.clients.get(id);
    if (!client) {
      client = this.create(creds);
      this.clients.set(id, client);
    }
    return client;
  }
}
