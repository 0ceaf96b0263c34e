/**
 * Axis numbers that fit and stay apart: 0.00004 as 4e-5, 0.0000105 as 1.05e-5 (three significant
 * digits, so neighbouring ticks of a small range do not read the same), 12500 as 12.5k.
 */
export function compact(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) < 0.01) return Number(value.toPrecision(3)).toExponential();
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 }).format(value);
}
