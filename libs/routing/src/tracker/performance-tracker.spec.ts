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

  it('knows nothing of a target it never saw', () => {
    const tracker = sut();
    expect(tracker.ttftMs('x/y')).toBeUndefined();
    expect(tracker.stats('x/y')).toMatchObject({ calls: 0, error_rate: 0, ttft_ms: null, latency_ms: null });
  });
});
