// Runs the provider simulator as its own process (benchmark, offline demo): `npm run simulator`.
import { startSimulator } from './simulator.server.js';

function envInt(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

const simulator = await startSimulator({
  port: envInt('SIMULATOR_PORT') ?? 8090,
  host: process.env.SIMULATOR_HOST?.trim() || '127.0.0.1',
  latencyMs: envInt('SIMULATOR_LATENCY_MS'),
  chunkDelayMs: envInt('SIMULATOR_CHUNK_DELAY_MS'),
  record: process.env.SIMULATOR_RECORD !== 'false',
});
console.log(`Provider simulator listening on ${simulator.url}`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  simulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
