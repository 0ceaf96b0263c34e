const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Visible text of an HTML document: scripts, styles and tags removed, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|noscript)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|tr|section|article)>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (all, code: string) => {
      if (code.startsWith('#')) {
        const n = code[1]?.toLowerCase() === 'x' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
        return Number.isFinite(n) && n > 0 && n < 0x110000 ? String.fromCodePoint(n) : all;
      }
      return ENTITIES[code.toLowerCase()] ?? all;
    })
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n\n')
    .trim();
}

/** Thrown when a file claims a type its content does not parse as (e.g. a broken PDF). */
export class UnreadableFileError extends Error {}

/** The text of a file of a textual type (see `sniff`), or null for types without text. */
export async function extractTextOf(mime: string, bytes: Buffer): Promise<string | null> {
  if (mime === 'application/pdf') {
    try {
      // Loaded on the first PDF only (unpdf then loads pdf.js, ~5 MB of heap, on its first call).
      const { extractText, getDocumentProxy } = await import('unpdf');
      const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
      const { text } = await extractText(pdf, { mergePages: true });
      return text.trim();
    } catch (error) {
      throw new UnreadableFileError(`not a readable PDF: ${(error as Error).message}`);
    }
  }
  if (mime === 'text/html') return htmlToText(bytes.toString('utf8'));
  if (mime.startsWith('text/') || mime === 'application/json') return bytes.toString('utf8');
  return null;
}
