/** What an upload turned out to be, from its bytes (and, for text, its name). */
export interface Sniffed {
  mime: string;
  /** Whether text is extracted from it at upload. */
  textual: boolean;
}

const startsWith = (bytes: Buffer, sig: readonly number[], at = 0) =>
  bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Buffer, text: string, at = 0) =>
  bytes.subarray(at, at + text.length).toString('latin1') === text;

/** Binary types accepted as they are (images for vision, audio for transcription). */
function binaryType(bytes: Buffer): string | null {
  if (ascii(bytes, '%PDF-')) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(bytes, 'GIF87a') || ascii(bytes, 'GIF89a')) return 'image/gif';
  if (ascii(bytes, 'RIFF') && ascii(bytes, 'WEBP', 8)) return 'image/webp';
  if (ascii(bytes, 'RIFF') && ascii(bytes, 'WAVE', 8)) return 'audio/wav';
  if (ascii(bytes, 'ID3') || startsWith(bytes, [0xff, 0xfb]) || startsWith(bytes, [0xff, 0xf3]))
    return 'audio/mpeg';
  if (ascii(bytes, 'fLaC')) return 'audio/flac';
  if (ascii(bytes, 'OggS')) return 'audio/ogg';
  if (ascii(bytes, 'ftyp', 4)) return 'audio/mp4';
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'audio/webm';
  return null;
}

function isUtf8Text(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function textType(name: string, bytes: Buffer): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  const head = bytes.subarray(0, 512).toString('utf8').trimStart().toLowerCase();
  if (ext === 'md' || ext === 'markdown') return 'text/markdown';
  if (ext === 'csv') return 'text/csv';
  if (ext === 'html' || ext === 'htm' || head.startsWith('<!doctype html') || head.startsWith('<html'))
    return 'text/html';
  if (ext === 'json' || ext === 'jsonl') return 'application/json';
  return 'text/plain';
}

/**
 * The content type from the bytes: PDF, common images and audio by their signatures, UTF-8 text
 * (typed by the file name: Markdown, CSV, HTML, JSON, else plain). Anything else (archives,
 * executables, unknown binary) is null: refused.
 */
export function sniff(name: string, bytes: Buffer): Sniffed | null {
  const binary = binaryType(bytes);
  if (binary) return { mime: binary, textual: binary === 'application/pdf' };
  if (isUtf8Text(bytes)) return { mime: textType(name, bytes), textual: true };
  return null;
}
