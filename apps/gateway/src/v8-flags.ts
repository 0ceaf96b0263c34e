/**
 * Whether the command line sets allocation-site pretenuring itself, either way and in either
 * spelling V8 accepts (`--allocation-site-pretenuring`, `--no-allocation_site_pretenuring`, ...).
 * Kept apart from `v8-tuning.ts`, which changes V8's flags when imported.
 */
export function setsPretenuring(execArgv: readonly string[]): boolean {
  return execArgv.some((arg) => arg.replace(/_/g, '-').includes('allocation-site-pretenuring'));
}
