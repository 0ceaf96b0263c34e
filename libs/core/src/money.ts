/** 1 credit = 1,000,000 micro-credits. Money is always an integer count of micro-credits (bigint). */
export const MICROS_PER_CREDIT = 1_000_000n;

/** Formats micro-credits as a decimal string of credits, e.g. 1500n -> "0.0015". */
export function formatCredits(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / MICROS_PER_CREDIT;
  const frac = (abs % MICROS_PER_CREDIT).toString().padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Parses a decimal credit string ("12.5") into micro-credits; throws on anything else. */
export function parseCredits(value: string): bigint {
  const m = /^(-)?(\d{1,15})(?:\.(\d{1,6}))?$/.exec(value.trim());
  if (!m) throw new RangeError(`not a credit amount with at most 6 decimals: ${value}`);
  const micros = BigInt(m[2]!) * MICROS_PER_CREDIT + BigInt((m[3] ?? '').padEnd(6, '0') || '0');
  return m[1] ? -micros : micros;
}
