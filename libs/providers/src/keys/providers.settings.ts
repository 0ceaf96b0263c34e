/**
 * What the providers lib needs from the application, provided under PROVIDERS_SETTINGS by the
 * module that imports ProvidersModule (the gateway passes its validated environment). The lib
 * itself never reads process.env.
 */
export interface ProvidersSettings {
  /**
   * Environment variables: per provider `<ID>_API_KEY`, `<ID>_BASE_URL`, `<ID>_TIMEOUT_MS`
   * (upper snake of the catalog id, e.g. `AZURE_OPENAI_API_KEY`).
   */
  env: Record<string, string | undefined>;
  /** Operator aliases, e.g. `{"fast": "openai/gpt-4o-mini"}`; a target may be any resolvable name. */
  aliases: Record<string, string>;
  /**
   * A bare model name that no catalog lists goes to this provider (a local server that takes any
   * model name, e.g. `ollama`) when it is available; unset: such a name is not found.
   */
  defaultLocalProvider?: string;
  /** Base URL of a provider simulator; the `simulator*` providers are available exactly when set. */
  simulatorUrl?: string;
}

/** Whose keys may serve a call. */
export interface KeyScope {
  tenantId?: string;
  userId?: string;
  /** A provider key the caller sent with the request (X-Provider-Key), for the provider it resolves to. */
  requestKey?: string;
  /** Provider keys the caller sent for one provider each (X-OpenAI-API-Key...), by provider id. */
  requestKeys?: Readonly<Record<string, string>>;
}

/** A provider setting in the environment that cannot be used; boot fails with it. */
export class ProvidersConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ProvidersConfigError';
  }
}
