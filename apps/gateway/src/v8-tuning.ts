import { setFlagsFromString } from 'node:v8';

/**
 * Whether the command line sets allocation-site pretenuring itself, either way and in either
 * spelling V8 accepts (`--allocation-site-pretenuring`, `--no-allocation_site_pretenuring`, ...).
 */
export function setsPretenuring(execArgv: readonly string[]): boolean {
  return execArgv.some((arg) => arg.replace(/_/g, '-').includes('allocation-site-pretenuring'));
}

/**
 * V8 settings the gateway makes for itself, so that they hold however it is started (the image,
 * `npm start`, an operator's own `node` command) and without flags that NODE_OPTIONS refuses.
 * Imported first by main.ts, before any other module allocates.
 *
 * Allocation-site pretenuring is off (decision 0040): V8 would otherwise allocate, straight into
 * the old generation, every object of a site whose objects all survived a scavenge, and the
 * gateway's sites fill that rule at boot and in the first seconds of a burst, when the young
 * generation is small, for objects that live for one call. Old-space garbage then costs
 * mark-compacts. An operator who wants V8's default back passes `--allocation-site-pretenuring`.
 */
if (!setsPretenuring(process.execArgv)) setFlagsFromString('--no-allocation-site-pretenuring');
