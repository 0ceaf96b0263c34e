/**
 * A plain object with the sources' own enumerable fields, later sources winning, as
 * `Object.assign({}, ...sources)` makes it (adding fields one by one keeps V8's shared hidden
 * classes, where a leading spread with more fields does not: decision 0032), except for a
 * `__proto__` field. `JSON.parse` makes `"__proto__"` an ordinary own field of a caller's body,
 * and `Object.assign` would set the copy's prototype from it (so its fields would be read through
 * the copy, unvalidated); here it is dropped.
 */
export function copyFields(...sources: ReadonlyArray<object | null | undefined>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const source of sources) {
    if (!source) continue;
    if (!Object.hasOwn(source, '__proto__')) {
      Object.assign(copy, source);
      continue;
    }
    for (const key of Object.keys(source)) {
      if (key !== '__proto__') copy[key] = (source as Record<string, unknown>)[key];
    }
  }
  return copy;
}
