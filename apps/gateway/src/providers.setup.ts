import { AppConfig } from '@switchyard/core';
import { VaultKeySource } from '@switchyard/key-vault';
import { ProvidersModule } from '@switchyard/providers';
import { DemoSimulator, DemoSimulatorModule } from './demo-simulator.js';

/** The providers lib, configured from the validated environment (and the demo simulator). */
export function providersModule() {
  return ProvidersModule.forRoot({
    global: true,
    imports: [DemoSimulatorModule],
    inject: [AppConfig, DemoSimulator],
    useFactory: async (config: AppConfig, demo: DemoSimulator) => ({
      env: config.routing.providerEnv,
      aliases: config.routing.aliases,
      defaultLocalProvider: config.routing.defaultLocalProvider,
      simulatorUrl: await demo.url(),
    }),
    // Provider keys come from the vault (which falls back to the environment's).
    keySource: { inject: [VaultKeySource], useFactory: (vault: VaultKeySource) => vault },
  });
}
