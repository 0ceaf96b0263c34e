import type { DestinationStream } from 'pino';

const LEVELS: Record<number, { label: string; color: string }> = {
  10: { label: 'TRACE', color: '\x1b[90m' },
  20: { label: 'DEBUG', color: '\x1b[36m' },
  30: { label: 'INFO ', color: '\x1b[32m' },
  40: { label: 'WARN ', color: '\x1b[33m' },
  50: { label: 'ERROR', color: '\x1b[31m' },
  60: { label: 'FATAL', color: '\x1b[35m' },
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
/** Fields every line carries, which a person at a terminal does not need to read each time. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'context', 'req', 'res']);

interface Line {
  level?: number;
  time?: number;
  msg?: string;
  context?: string;
  req?: { id?: string; method?: string; url?: string };
  res?: { statusCode?: number | null };
  responseTime?: number;
  err?: { type?: string; message?: string; stack?: string };
  [field: string]: unknown;
}

function clock(time: number | undefined): string {
  const d = new Date(time ?? Date.now());
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/**
 * One pino JSON line as one line of text for a terminal: time, level, context, message, then
 * the request (`GET /v1/models 200 3ms req_...`) and the remaining fields as `key=value`. An
 * error's stack, when the line has one at error level, follows on indented lines.
 */
export function formatPretty(json: string, colors = false): string {
  let line: Line;
  try {
    line = JSON.parse(json) as Line;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = LEVELS[line.level ?? 30] ?? { label: String(line.level), color: '' };
  const paint = (color: string, text: string) => (colors ? `${color}${text}${RESET}` : text);
  const parts = [paint(DIM, clock(line.time)), paint(level.color, level.label)];
  if (line.context) parts.push(paint(DIM, `[${line.context}]`));
  if (line.msg) parts.push(line.msg);
  const { req, res } = line;
  if (req?.method && req.url) {
    const status = res?.statusCode ?? '-';
    const took = typeof line.responseTime === 'number' ? ` ${line.responseTime}ms` : '';
    parts.push(`${req.method} ${req.url} ${status}${took}`);
  }
  if (req?.id) parts.push(paint(DIM, String(req.id)));
  for (const [key, v] of Object.entries(line)) {
    if (HIDDEN.has(key) || v === undefined || (key === 'responseTime' && req?.method)) continue;
    if (key === 'err' && v && typeof v === 'object') {
      const err = v as NonNullable<Line['err']>;
      parts.push(
        `err=${value([err.type, err.message].filter(Boolean).join(': ') || err.stack?.split('\n')[0])}`,
      );
      continue;
    }
    if (key === 'error' && v && typeof v === 'object' && 'type' in v) {
      // The access line's error note: its code (or type), and for a 5xx its cause.
      const note = v as { type: string; code: string | null; cause?: string };
      parts.push(`error=${value(note.code ?? note.type)}`);
      if (note.cause) parts.push(`cause=${value(note.cause)}`);
      continue;
    }
    parts.push(`${key}=${value(v)}`);
  }
  let text = parts.join(' ');
  const stack = line.err?.stack;
  if (stack && (line.level ?? 30) >= 50) {
    const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
    if (frames.length) text += `\n${frames.map((l) => `    ${l.trim()}`).join('\n')}`;
  }
  return `${text}\n`;
}

/** A pino destination that writes each line, formatted for a terminal, into `target`. */
export function prettyStream(target: DestinationStream, colors = false): DestinationStream {
  return { write: (json: string) => target.write(formatPretty(json.trimEnd(), colors)) };
}
