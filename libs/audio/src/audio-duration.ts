/**
 * How long an audio upload may be, in seconds, for the reservation before transcription: exact
 * for WAV (byte rate from the header), else the length at 16 kbit/s, a low speech bitrate, so
 * the estimate errs high. The charge itself uses the duration the provider reports.
 */
export function worstCaseSeconds(bytes: Buffer): number {
  const latin = (at: number, n: number) => bytes.subarray(at, at + n).toString('latin1');
  if (bytes.length >= 44 && latin(0, 4) === 'RIFF' && latin(8, 4) === 'WAVE') {
    const byteRate = bytes.readUInt32LE(28);
    if (byteRate > 0) return Math.ceil((bytes.length - 44) / byteRate) + 1;
  }
  return Math.ceil(bytes.length / 2_000) + 1;
}

/** `12.345` seconds as `00:00:12,345` (SRT) or `00:00:12.345` (VTT). */
export function timestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

export interface Segment {
  start: number;
  end: number;
  text: string;
}

export function toSrt(segments: readonly Segment[]): string {
  return segments
    .map((s, i) => `${i + 1}\n${timestamp(s.start, ',')} --> ${timestamp(s.end, ',')}\n${s.text.trim()}\n`)
    .join('\n');
}

export function toVtt(segments: readonly Segment[]): string {
  return (
    'WEBVTT\n\n' +
    segments
      .map((s) => `${timestamp(s.start, '.')} --> ${timestamp(s.end, '.')}\n${s.text.trim()}\n`)
      .join('\n')
  );
}
