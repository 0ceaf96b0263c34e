/** An exact non-negative decimal: `units / 10^scale`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL = /^(\d{1,30})(?:\.(\d{1,18}))?$/;

/** Parses "0.15", "3", "1.000001" exactly; throws RangeError on anything else (no signs, no exponents). */
export function parseDecimal(value: string, what = 'value'): Decimal {
  const known = parsed.get(value);
  if (known !== undefined) return known;
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new RangeError(`${what} must be a non-negative decimal string, got ${JSON.stringify(value)}`);
  const frac = m[2] ?? '';
  const decimal = Object.freeze({ units: BigInt(m[1]! + frac), scale: frac.length });
  // Every call prices itself with the same few catalog prices and markups: parse each once.
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(value, decimal);
  return decimal;
}

/** Decimals parsed so far, by their text (prices, markups, multipliers: a few hundred at most). */
const parsed = new Map<string, Decimal>();
const PARSED_MAX = 10_000;

/** Writes a decimal back as a minimal string ("1.50" -> "1.5", "2.000" -> "2"). */
export function formatDecimal(d: Decimal): string {
  const digits = d.units.toString().padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale).replace(/^0+(?=\d)/, '');
  const frac = digits.slice(digits.length - d.scale).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

/** 10^0 .. 10^63: every call prices with a few of them, and BigInt exponentiation is not free. */
const POWERS: readonly bigint[] = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i));

export const pow10 = (n: number): bigint => POWERS[n] ?? 10n ** BigInt(n);

/** Ceiling of a / b for a >= 0, b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
