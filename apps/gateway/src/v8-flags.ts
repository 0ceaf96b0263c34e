/**
 * Whether the command line sets V8's flag `name` itself, either way and in the spellings V8
 * accepts (`--name`, `--no-name`, `--noname`, `--name=value`, with `_` for `-`). Kept apart from
 * `v8-tuning.ts`, which changes V8's flags when imported.
 */
export function setsV8Flag(execArgv: readonly string[], name: string): boolean {
  return execArgv.some((arg) => {
    const flag = arg.split('=')[0]!.replace(/_/g, '-');
    return flag === `--${name}` || flag === `--no-${name}` || flag === `--no${name}`;
  });
}

/** Whether the command line sets allocation-site pretenuring itself (decision 0040). */
export const setsPretenuring = (execArgv: readonly string[]): boolean =>
  setsV8Flag(execArgv, 'allocation-site-pretenuring');

/** TurboFan's budget for inlining into one function (decision 0049); V8's own is 920. */
export const INLINING_BUDGET = 2400;
