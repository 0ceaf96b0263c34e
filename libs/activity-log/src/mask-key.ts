/** Keys shorter than this show nothing at all: four characters of a short key are too much of it. */
const MIN_LENGTH_FOR_HINT = 8;

/**
 * A provider key as people may see it: an ellipsis and the last four characters (`…abcd`). The
 * only form in which a provider key ever leaves the vault.
 */
export function maskKey(secret: string): string {
  const s = secret.trim();
  return s.length >= MIN_LENGTH_FOR_HINT ? `…${s.slice(-4)}` : '…';
}

/** True when a string already is a hint as {@link maskKey} makes it. */
export function isMasked(hint: string): boolean {
  return /^….{0,4}$/u.test(hint);
}
