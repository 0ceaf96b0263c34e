import { InvalidRequestError } from '@switchyard/core';
import type { ImportFormat } from './provider-key.dto.js';

/** One row of an import file, before validation. `problem` marks a row that could not be read. */
export interface ImportRow {
  /** The line of the file (JSON: the item number), from 1. */
  line: number;
  provider?: string;
  key?: string;
  name?: string;
  baseUrl?: string;
  problem?: string;
}

const KEY_COLUMNS = ['key', 'api_key', 'apikey', 'secret'];
const COLUMN_ALIASES: Record<string, keyof Omit<ImportRow, 'line' | 'problem'>> = {
  provider: 'provider',
  key: 'key',
  api_key: 'key',
  apikey: 'key',
  secret: 'key',
  name: 'name',
  base_url: 'baseUrl',
  baseurl: 'baseUrl',
};

/** Which format a file is in, when the caller did not say. */
export function detectFormat(content: string): Exclude<ImportFormat, 'auto'> {
  const text = content.trimStart();
  if (text.startsWith('[')) return 'json';
  const first = text.split(/\r?\n/, 1)[0]?.trim().toLowerCase() ?? '';
  if (first.includes(',') || KEY_COLUMNS.includes(first)) return 'csv';
  return 'lines';
}

export function parseImport(content: string, format: ImportFormat): ImportRow[] {
  const actual = format === 'auto' ? detectFormat(content) : format;
  switch (actual) {
    case 'json':
      return parseJson(content);
    case 'csv':
      return parseCsv(content);
    case 'lines':
      return parseLines(content);
  }
}

/** A JSON array of keys, or of objects with `key` (or `api_key`) and optional provider, name, base_url. */
export function parseJson(content: string): ImportRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw new InvalidRequestError('content is not valid JSON.', { param: 'content', code: 'invalid_import' });
  }
  if (!Array.isArray(parsed)) {
    throw new InvalidRequestError('A JSON import must be an array.', {
      param: 'content',
      code: 'invalid_import',
    });
  }
  return parsed.map((item: unknown, i) => fromObject(item, i + 1));
}

/** Rows given as JSON in the request body. */
export function fromObjects(items: readonly unknown[]): ImportRow[] {
  return items.map((item, i) => fromObject(item, i + 1));
}

function fromObject(item: unknown, line: number): ImportRow {
  if (typeof item === 'string') return { line, key: item };
  if (!item || typeof item !== 'object' || Array.isArray(item)) {
    return { line, problem: 'malformed item: expected a key, or an object with "key"' };
  }
  const row: ImportRow = { line };
  for (const [name, value] of Object.entries(item as Record<string, unknown>)) {
    const field = COLUMN_ALIASES[name.toLowerCase()];
    if (!field || value === undefined || value === null) continue;
    if (typeof value !== 'string') return { line, problem: `malformed item: "${name}" must be a string` };
    row[field] = value;
  }
  return row;
}

/** One key per line; blank lines and `#` comments are skipped. */
export function parseLines(content: string): ImportRow[] {
  const rows: ImportRow[] = [];
  content.split(/\r?\n/).forEach((raw, i) => {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    rows.push({ line: i + 1, key: text });
  });
  return rows;
}

/**
 * CSV (RFC 4180 quoting) with a header row naming its columns: `key` (or `api_key`) and any of
 * `provider`, `name`, `base_url`. A row with the wrong number of fields or a broken quote is
 * reported as malformed, never guessed at.
 */
export function parseCsv(content: string): ImportRow[] {
  const lines = content.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) return [];
  const header = splitCsvLine(lines[headerIndex]!);
  if (!header)
    throw new InvalidRequestError('The CSV header row is malformed.', {
      param: 'content',
      code: 'invalid_import',
    });
  const columns = header.map((h) => COLUMN_ALIASES[h.trim().toLowerCase()]);
  if (!columns.includes('key')) {
    throw new InvalidRequestError(
      'A CSV import needs a header row with a "key" column (and optionally provider, name, base_url).',
      { param: 'content', code: 'invalid_import' },
    );
  }
  const rows: ImportRow[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const fields = splitCsvLine(raw);
    if (!fields) {
      rows.push({ line, problem: 'malformed CSV row: unbalanced quotes' });
      continue;
    }
    if (fields.length !== header.length) {
      rows.push({
        line,
        problem: `malformed CSV row: ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${header.length}`,
      });
      continue;
    }
    const row: ImportRow = { line };
    fields.forEach((value, c) => {
      const field = columns[c];
      if (field && value.trim() !== '') row[field] = value.trim();
    });
    rows.push(row);
  }
  return rows;
}

/** The fields of one CSV line, or null when its quotes do not balance. */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  let fieldStart = true;
  while (i < line.length) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        // After a closing quote only a separator (or the end) may follow.
        if (i < line.length && line[i] !== ',') return null;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
      i++;
      continue;
    }
    if (ch === '"') return null;
    if (ch === ',') {
      fields.push(field);
      field = '';
      fieldStart = true;
      i++;
      continue;
    }
    field += ch;
    fieldStart = false;
    i++;
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}
