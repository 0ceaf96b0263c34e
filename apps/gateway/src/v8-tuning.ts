import { setFlagsFromString } from 'node:v8';
import { setsPretenuring } from './v8-flags.js';

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
