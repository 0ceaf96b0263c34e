import type { RecordedRequest } from './simulator.types.js';

/** Most records kept; older ones are dropped first. */
export const MAX_RECORDS = 10_000;

/** The request records, kept in one array that callers may hold on to (clearing empties it in place). */
export class RequestLogStore {
  readonly records: RecordedRequest[] = [];

  add(record: RecordedRequest): void {
    this.records.push(record);
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
  }

  clear(): void {
    this.records.length = 0;
  }
}
