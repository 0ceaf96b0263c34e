import { describe, expect, it } from '@jest/globals';
import { loadConfig, RedisService } from '@switchyard/core';
import { PerformanceTracker } from './performance-tracker.js';

/** A tracker on one instance (no REDIS_URL): its window is its own. */
function sut(): PerformanceTracker {
  return new PerformanceTracker(new RedisService(loadConfig({ NODE_ENV: 'test' })));
}

describe('PerformanceTracker', () => {
  it('counts calls in flight until each ends (twice ending is harmless)', () => {
    const tracker = sut();
    const one = tracker.begin('p/m');
    const two = tracker.begin('p/m');
    expect(tracker.inFlight('p/m')).toBe(2);
    one();
    one();
    expect(tracker.inFlight('p/m')).toBe(1);
    two();
    expect(tracker.inFlight('p/m')).toBe(0);
  });

  it('reports means, tokens per second and errors by class over the window', () => {
    const tracker = sut();
    tracker.firstToken('p/m', 100);
    tracker.finished('p/m', 1100, 500, 100);
    tracker.firstToken('p/m', 300);
    tracker.finished('p/m', 1300, 500, 300);
    tracker.failure('p/m', 'timeout');
    tracker.failure('p/m', 'server');
    expect(tracker.stats('p/m')).toMatchObject({
      target: 'p/m',
      window_seconds: 300,
      calls: 4,
      errors: { timeout: 1, server: 1 },
      error_rate: 0.5,
      ttft_ms: 200,
      latency_ms: 1200,
      output_tokens_per_second: 500,
      shared: false,
    });
    expect(tracker.ttftMs('p/m')).toBe(200);
  });

  it('forgets the target recorded into least recently once 2,000 are tracked', () => {
    // Recency is by record, not by clock: these run within a few milliseconds of each other.
    const tracker = sut();
    for (let i = 0; i < 2_000; i++) tracker.failure(`p/m${i}`, 'server');
    tracker.failure('p/m0', 'server'); // now the most recent
    tracker.failure('p/new', 'server');
    expect(tracker.stats('p/m1').calls).toBe(0);
    expect(tracker.stats('p/m0').calls).toBe(2);
    expect(tracker.stats('p/m2').calls).toBe(1);
    expect(tracker.stats('p/new').calls).toBe(1);
  });

  it('knows nothing of a target it never saw', () => {
    const tracker = sut();
    expect(tracker.ttftMs('x/y')).toBeUndefined();
    expect(tracker.stats('x/y')).toMatchObject({ calls: 0, error_rate: 0, ttft_ms: null, latency_ms: null });
  });
});
