import { Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@switchyard/core';
import type { Simulator } from '../../simulator/src/index.js';

/**
 * The offline demo: with no provider key configured (and not in production), the gateway starts
 * the provider simulator in-process on a loopback port and routes the `simulator*` providers to
 * it, so a fresh `npm start` answers chat calls with nothing else installed. SIMULATOR=on|off
 * forces it; SIMULATOR_URL points at one already running.
 */
@Injectable()
export class DemoSimulator implements OnApplicationShutdown {
  private readonly logger = new Logger('Simulator');
  private simulator?: Simulator;

  constructor(private readonly config: AppConfig) {}

  async url(): Promise<string | undefined> {
    const { simulator, simulatorUrl, providerEnv } = this.config.routing;
    if (simulatorUrl) return simulatorUrl;
    if (simulator === 'off') return undefined;
    const anyKey = Object.keys(providerEnv).some((k) => k.endsWith('_API_KEY'));
    if (simulator === 'auto' && (anyKey || this.config.env === 'production')) return undefined;
    // Loaded only here: a production gateway never starts it, so it need not hold its code.
    const { startSimulator } = await import('../../simulator/src/index.js');
    this.simulator = await startSimulator({ host: '127.0.0.1', port: 0, record: false });
    this.logger.log(
      `No provider key is configured: the built-in simulator serves simulator/sim-gpt and friends (${this.simulator.url}). Set a <PROVIDER>_API_KEY or add keys to the vault for real providers.`,
    );
    return this.simulator.url;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.simulator?.close();
  }
}

@Module({ providers: [DemoSimulator], exports: [DemoSimulator] })
export class DemoSimulatorModule {}
