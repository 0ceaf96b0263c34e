/** Injection token of the {@link ProvidersSettings} the importing application provides. */
export const PROVIDERS_SETTINGS = Symbol('PROVIDERS_SETTINGS');

/** Injection token of every registered {@link ProviderAdapter} (an array, one per wire format). */
export const PROVIDER_ADAPTERS = Symbol('PROVIDER_ADAPTERS');

/** Injection token of the {@link KeySource} that supplies provider credentials. */
export const KEY_SOURCE = Symbol('KEY_SOURCE');
