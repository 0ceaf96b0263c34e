import OpenAI, { AzureOpenAI } from 'openai';
import type { ProviderCredentials } from '../provider.port.js';

/**
 * A client with nothing taken from process.env: every option the SDK would otherwise read from
 * the environment is passed explicitly. Retries are the routing layer's job, so none here.
 *
 * A base URL with an `api-version` query (`https://res.openai.azure.com/openai?api-version=2024-10-21`)
 * selects Azure's deployment-style API: the model id is the deployment name and the key travels
 * in `api-key`. Azure's v1 API (`https://res.openai.azure.com/openai/v1`) needs no special case.
 */
export function createOpenAIClient(creds: ProviderCredentials, fetch: typeof globalThis.fetch): OpenAI {
  const common = {
    apiKey: creds.apiKey,
    fetch,
    maxRetries: 0,
    organization: null,
    project: null,
    webhookSecret: null,
    logLevel: 'off' as const,
    // A runtime provider's default headers (they replace the SDK's own of the same name).
    ...(creds.headers ? { defaultHeaders: { ...creds.headers } } : {}),
  };
  const url = new URL(creds.baseUrl);
  const apiVersion = url.searchParams.get('api-version');
  if (apiVersion) {
    url.search = '';
    return new AzureOpenAI({ ...common, baseURL: url.toString().replace(/\/+$/, ''), apiVersion });
  }
  return new OpenAI({ ...common, baseURL: creds.baseUrl });
}
