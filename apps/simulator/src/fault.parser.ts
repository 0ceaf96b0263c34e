/** A special error condition with its own provider-specific body, reported as a 400. */
export type ErrorKind = 'context_length' | 'content_filter';

/** What to do wrong with one request; every field unset means "behave". */
export interface FaultSpec {
  status: number | null;
  errorKind: ErrorKind | null;
  retryAfterSeconds: number | null;
  latencyMs: number | null;
  chunkDelayMs: number | null;
  hang: boolean;
  dropAfter: number | null;
  /** Stream: after N frames send nothing more, keeping the socket open (a stall). */
  stallAfter: number | null;
  malformed: boolean;
  /**
   * Bytes of white space added to a successful answer: before a non-stream JSON body's last
   * character, and at the start of a stream's first event's data. The answer stays valid, only
   * large (an upstream that sends more than a gateway should read).
   */
  pad: number | null;
}

export const NO_FAULT: Readonly<FaultSpec> = Object.freeze({
  status: null,
  errorKind: null,
  retryAfterSeconds: null,
  latencyMs: null,
  chunkDelayMs: null,
  hang: false,
  dropAfter: null,
  stallAfter: null,
  malformed: false,
  pad: null,
});

/** Chunks a `-drop` model preset lets through before the socket dies. */
const PRESET_DROP_AFTER = 2;
const PRESET_SLOW_CHUNK_DELAY_MS = 200;

function nonNegativeInt(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

function errorStatus(value: number | null): number | null {
  return value !== null && value >= 400 && value <= 599 ? value : null;
}

/** Parses `x-sim-fault: status=503; retry_after=2; latency=200; chunk_delay=50; hang; drop_after=3; malformed; pad=2000000` (`hang=0` cancels a preset). */
export function parseFaultHeader(header: string | undefined): Partial<FaultSpec> {
  const fault: Partial<FaultSpec> = {};
  if (!header) return fault;
  for (const item of header.split(';')) {
    const [rawName, value] = item.split('=', 2);
    const name = (rawName ?? '').trim().toLowerCase().replace(/-/g, '_');
    switch (name) {
      case 'status':
        fault.status = errorStatus(nonNegativeInt(value));
        break;
      case 'retry_after':
        fault.retryAfterSeconds = nonNegativeInt(value);
        break;
      case 'latency':
        fault.latencyMs = nonNegativeInt(value);
        break;
      case 'chunk_delay':
        fault.chunkDelayMs = nonNegativeInt(value);
        break;
      case 'hang':
        // `hang=0` (or false) cancels a model name's `-hang` preset for this request.
        fault.hang = !['0', 'false'].includes((value ?? '').trim().toLowerCase());
        break;
      case 'drop':
      case 'drop_after':
        fault.dropAfter = nonNegativeInt(value) ?? PRESET_DROP_AFTER;
        break;
      case 'stall_after':
        fault.stallAfter = nonNegativeInt(value) ?? null;
        break;
      case 'malformed':
        fault.malformed = true;
        break;
      case 'pad':
        fault.pad = nonNegativeInt(value);
        break;
      case 'context_length':
      case 'context_length_exceeded':
        fault.errorKind = 'context_length';
        break;
      case 'content_filter':
        fault.errorKind = 'content_filter';
        break;
      default:
        // Unknown items are ignored so newer callers don't break older simulators.
        break;
    }
  }
  return fault;
}

/**
 * Model-name presets, for callers that can only choose a model id (e.g. through the gateway):
 * `fault-<status>`, `fault-context-length`, `fault-content-filter`, `-hang`, `-drop`, `-drop-<n>`, `-malformed`,
 * `-slow`, `-latency-<ms>`.
 */
export function faultFromModel(model: string | null): Partial<FaultSpec> {
  const fault: Partial<FaultSpec> = {};
  if (!model) return fault;
  const name = model.toLowerCase();
  const status = /(?:^|-)fault-(\d{3})(?:-|$)/.exec(name);
  if (status) fault.status = errorStatus(Number(status[1]));
  if (/(?:^|-)fault-context[-_]length/.test(name)) fault.errorKind = 'context_length';
  if (/(?:^|-)fault-content[-_]filter/.test(name)) fault.errorKind = 'content_filter';
  if (/(?:^|-)hang(?:-|$)/.test(name)) fault.hang = true;
  if (/(?:^|-)drop(?:-|$)/.test(name)) fault.dropAfter = PRESET_DROP_AFTER;
  const stallAfter = /(?:^|-)stall-(\d+)(?:-|$)/.exec(name);
  if (stallAfter) fault.stallAfter = Number(stallAfter[1]);
  const dropAfter = /(?:^|-)drop-(\d+)(?:-|$)/.exec(name);
  if (dropAfter) fault.dropAfter = Number(dropAfter[1]);
  if (/(?:^|-)malformed(?:-|$)/.test(name)) fault.malformed = true;
  if (/(?:^|-)slow(?:-|$)/.test(name)) fault.chunkDelayMs = PRESET_SLOW_CHUNK_DELAY_MS;
  const latency = /(?:^|-)latency-(\d+)(?:-|$)/.exec(name);
  if (latency) fault.latencyMs = Number(latency[1]);
  return fault;
}

/** Later sources win field by field; fields a source leaves undefined fall through. */
export function mergeFaults(...sources: Partial<FaultSpec>[]): FaultSpec {
  const merged: FaultSpec = { ...NO_FAULT };
  for (const source of sources) {
    for (const [key, value] of Object.entries(source) as [keyof FaultSpec, unknown][]) {
      if (value !== undefined && value !== null) (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}
