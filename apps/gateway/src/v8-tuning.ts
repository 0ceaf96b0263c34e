import { setFlagsFromString } from 'node:v8';
import { INLINING_BUDGET, setsPretenuring, setsV8Flag } from './v8-flags.js';

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

/**
 * TurboFan inlines more into each function it optimizes (decision 0049): a call's path runs
 * through many small functions (Express's router, undici's dispatcher, pg's client, the hot
 * route's guards), and with V8's default budget of 920 bytes of inlined bytecode per function the
 * optimizer stops partway along it. At 2,400 the gateway's main thread runs ~2.3% fewer
 * instructions per plain call (counted with callgrind). An operator's own value wins.
 */
if (!setsV8Flag(process.execArgv, 'max-inlined-bytecode-size-cumulative')) {
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINING_BUDGET}`);
}
