import type { OnApplicationShutdown } from '@nestjs/common';
import type { CatalogService } from './catalog/catalog.service.js';
import type { ProviderAdapter, WireFormat } from './provider.port.js';

/**
 * The adapters by wire format, checked at boot against the catalog: every provider must have one.
 * At application shutdown (after the HTTP server has stopped) it closes the adapters' pools.
 */
export class ProviderRegistry implements OnApplicationShutdown {
  private readonly byFormat = new Map<WireFormat, ProviderAdapter>();

  constructor(adapters: readonly ProviderAdapter[], catalog?: CatalogService) {
    for (const adapter of adapters) {
      if (this.byFormat.has(adapter.format)) {
        throw new Error(`Two provider adapters are registered for the '${adapter.format}' wire format.`);
      }
      this.byFormat.set(adapter.format, adapter);
    }
    for (const provider of catalog?.providers() ?? []) {
      if (!this.byFormat.has(provider.format)) {
        throw new Error(`Provider '${provider.id}' speaks '${provider.format}', which has no adapter.`);
      }
    }
  }

  /** The adapter of a wire format; throws for a format nothing was registered for. */
  adapterFor(format: WireFormat): ProviderAdapter {
    const adapter = this.byFormat.get(format);
    if (!adapter) throw new Error(`No provider adapter is registered for the '${format}' wire format.`);
    return adapter;
  }

  /** The wire formats with an adapter. */
  formats(): WireFormat[] {
    return [...this.byFormat.keys()];
  }

  async onApplicationShutdown(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const adapter of this.byFormat.values()) if (adapter.close) closing.push(adapter.close());
    await Promise.all(closing);
  }
}
