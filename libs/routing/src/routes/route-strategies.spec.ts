import { describe, expect, it } from '@jest/globals';
import { loadConfig, RedisService } from '@switchyard/core';
import type { ResolvedModel } from '@switchyard/providers';
import { PerformanceTracker } from '../tracker/performance-tracker.js';
import { ROUTE_STRATEGY_IMPLEMENTATIONS, type Candidate, type StrategyContext } from './route-strategies.js';

function candidate(id: string, prices: [string, string], weight?: number): Candidate {
  const resolved = {
    id,
    model: { pricing: { inputPerMTok: prices[0], outputPerMTok: prices[1] } },
  } as ResolvedModel;
  return { target: { model: id, ...(weight !== undefined ? { weight } : {}) }, resolved };
}

const a = candidate('p/a', ['1.00', '2.00'], 3);
const b = candidate('p/b', ['0.10', '0.40'], 1);
const c = candidate('p/c', ['5.00', '5.00'], 0);

function context(overrides: Partial<StrategyContext> = {}): StrategyContext {
  let turn = 0;
  return {
    tracker: new PerformanceTracker(new RedisService(loadConfig({ NODE_ENV: 'test' }))),
    promptTokens: 1000,
    outputTokens: 256,
    turn: () => turn++,
    random: () => 0,
    ...overrides,
  };
}
const ids = (list: Candidate[]) => list.map((x) => x.resolved.id);

describe('route strategies', () => {
  it('fallback keeps the listed order', () => {
    expect(ids(ROUTE_STRATEGY_IMPLEMENTATIONS.fallback.order([a, b, c], context()))).toEqual([
      'p/a',
      'p/b',
      'p/c',
    ]);
  });

  it('weighted draws by weight without replacement, never a zero weight first', () => {
    const sut = ROUTE_STRATEGY_IMPLEMENTATIONS.weighted;
    // Total weight 4: a draw below 3 is `a`, from 3 to 4 is `b`.
    expect(ids(sut.order([a, b, c], context({ random: () => 0.5 })))).toEqual(['p/a', 'p/b', 'p/c']);
    expect(ids(sut.order([a, b, c], context({ random: () => 0.8 }))).slice(0, 2)).toEqual(['p/b', 'p/a']);
  });

  it('round-robin starts one further each call', () => {
    const sut = ROUTE_STRATEGY_IMPLEMENTATIONS['round-robin'];
    const ctx = context();
    expect([0, 1, 2, 3].map(() => ids(sut.order([a, b, c], ctx))[0])).toEqual(['p/a', 'p/b', 'p/c', 'p/a']);
  });

  it('least-busy prefers fewest in flight', () => {
    const ctx = context();
    ctx.tracker.begin('p/a');
    ctx.tracker.begin('p/b');
    ctx.tracker.begin('p/b');
    expect(ids(ROUTE_STRATEGY_IMPLEMENTATIONS['least-busy'].order([a, b, c], ctx))).toEqual([
      'p/c',
      'p/a',
      'p/b',
    ]);
  });

  it('least-latency measures the unmeasured first, then the fastest', () => {
    const ctx = context();
    ctx.tracker.firstToken('p/a', 300);
    ctx.tracker.firstToken('p/b', 100);
    expect(ids(ROUTE_STRATEGY_IMPLEMENTATIONS['least-latency'].order([a, b, c], ctx))).toEqual([
      'p/c',
      'p/b',
      'p/a',
    ]);
  });

  it('lowest-cost ranks by the estimated cost of this request', () => {
    expect(ids(ROUTE_STRATEGY_IMPLEMENTATIONS['lowest-cost'].order([a, b, c], context()))).toEqual([
      'p/b',
      'p/a',
      'p/c',
    ]);
  });
});
