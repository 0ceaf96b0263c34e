/** A decoded `data:` URL: its media type and base64 payload. */
export interface DataUrl {
  mimeType: string;
  base64: string;
}

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)?((?:;[\w-]+=[^;,]*)*);base64,(.*)$/s;

/** Parses a base64 `data:` URL; null for anything else (plain URLs, non-base64 data URLs). */
export function parseDataUrl(url: string): DataUrl | null {
  const match = DATA_URL.exec(url.trim());
  if (!match) return null;
  return { mimeType: (match[1] ?? 'application/octet-stream').toLowerCase(), base64: match[3] ?? '' };
}

/** Whether a URL is one an upstream could fetch itself. */
export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url.trim());
}
