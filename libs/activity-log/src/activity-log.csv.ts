import type { ActivityLogEntity } from './activity-log.entity.js';

export const CSV_HEADER = [
  'time',
  'tenant_id',
  'actor_type',
  'actor_id',
  'actor_label',
  'action',
  'provider',
  'key_id',
  'key_hint',
  'description',
  'request_id',
  'ip',
  'metadata',
] as const;

/**
 * One CSV field (RFC 4180). Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
 * CR at the start) gets a leading apostrophe: the export is opened by people, in spreadsheets.
 */
export function csvField(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(e: ActivityLogEntity): string {
  return (
    [
      e.occurredAt.toISOString(),
      e.tenantId,
      e.actorType,
      e.actorId,
      e.actorLabel,
      e.action,
      e.provider,
      e.keyId,
      e.keyHint,
      e.description,
      e.requestId,
      e.ip,
      e.metadata === null ? null : JSON.stringify(e.metadata),
    ]
      .map(csvField)
      .join(',') + '\r\n'
  );
}

/** The header line, then each page of entries as CSV lines. */
export async function* toCsv(pages: AsyncIterable<ActivityLogEntity[]>): AsyncGenerator<string> {
  yield CSV_HEADER.join(',') + '\r\n';
  for await (const rows of pages) yield rows.map(csvRow).join('');
}
