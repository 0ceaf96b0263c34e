/** `HH:MM:SS<sep>mmm`, the timestamp both SRT (comma) and WebVTT (dot) use. */
function timestamp(seconds: number, separator: ',' | '.'): string {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  const ms = totalMs % 1000;
  const s = Math.floor(totalMs / 1000) % 60;
  const m = Math.floor(totalMs / 60_000) % 60;
  const h = Math.floor(totalMs / 3_600_000);
  const two = (v: number): string => String(v).padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}${separator}${String(ms).padStart(3, '0')}`;
}

/** A one-cue SubRip file. */
export function toSrt(text: string, durationSeconds: number): string {
  return `1\n${timestamp(0, ',')} --> ${timestamp(durationSeconds, ',')}\n${text}\n\n`;
}

/** A one-cue WebVTT file. */
export function toVtt(text: string, durationSeconds: number): string {
  return `WEBVTT\n\n${timestamp(0, '.')} --> ${timestamp(durationSeconds, '.')}\n${text}\n\n`;
}
