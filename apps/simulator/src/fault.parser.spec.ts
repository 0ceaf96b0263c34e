import { describe, expect, it } from '@jest/globals';
import { NO_FAULT, faultFromModel, mergeFaults, parseFaultHeader } from './fault.parser.js';

describe('fault parsing', () => {
  it('reads every header item', () => {
    expect(
      parseFaultHeader(
        'status=503; retry_after=2; latency=200; chunk_delay=50; hang; drop_after=3; malformed',
      ),
    ).toEqual({
      status: 503,
      retryAfterSeconds: 2,
      latencyMs: 200,
      chunkDelayMs: 50,
      hang: true,
      dropAfter: 3,
      malformed: true,
    });
    expect(parseFaultHeader('context_length')).toEqual({ errorKind: 'context_length' });
    expect(parseFaultHeader(' content_filter ;unknown=1')).toEqual({ errorKind: 'content_filter' });
    expect(parseFaultHeader('status=abc; status=200')).toEqual({ status: null });
    expect(parseFaultHeader(undefined)).toEqual({});
    expect(parseFaultHeader('hang=0')).toEqual({ hang: false });
    expect(mergeFaults(faultFromModel('sim-gpt-hang'), parseFaultHeader('hang=0')).hang).toBe(false);
  });

  it('reads model-name presets', () => {
    expect(faultFromModel('sim-gpt-fault-429')).toEqual({ status: 429 });
    expect(faultFromModel('fault-500')).toEqual({ status: 500 });
    expect(faultFromModel('sim-gpt-hang')).toEqual({ hang: true });
    expect(faultFromModel('sim-gpt-drop')).toEqual({ dropAfter: 2 });
    expect(faultFromModel('sim-gpt-drop-5')).toEqual({ dropAfter: 5 });
    expect(faultFromModel('sim-gpt-stall-3')).toEqual({ stallAfter: 3 });
    expect(faultFromModel('sim-gpt-malformed')).toEqual({ malformed: true });
    expect(faultFromModel('sim-gpt-slow')).toEqual({ chunkDelayMs: 200 });
    expect(faultFromModel('sim-gpt-latency-250')).toEqual({ latencyMs: 250 });
    expect(faultFromModel('sim-fault-context-length')).toEqual({ errorKind: 'context_length' });
    expect(faultFromModel('sim-gpt')).toEqual({});
    expect(faultFromModel('shanghai-dropship')).toEqual({});
  });

  it('lets later sources win field by field', () => {
    const merged = mergeFaults(
      { latencyMs: 0, chunkDelayMs: 0 },
      { status: 500, chunkDelayMs: 200 },
      { status: 429 },
    );
    expect(merged).toEqual({ ...NO_FAULT, status: 429, latencyMs: 0, chunkDelayMs: 200 });
  });
});
