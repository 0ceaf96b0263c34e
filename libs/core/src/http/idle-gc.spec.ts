import { describe, expect, it } from '@jest/globals';
import { exposedGc, IdleGc } from './idle-gc.js';

const MB = 1024 * 1024;

describe('IdleGc', () => {
  /** A heap of `used` committed bytes whose collection leaves `left` (or what it had). */
  const setup = (heap: { used: number; left?: number }) => {
    const runs: number[] = [];
    const collect = () => {
      runs.push(heap.used);
      heap.used = heap.left ?? heap.used;
    };
    const idle = new IdleGc(2000, collect, () => heap.used);
    return { idle, runs };
  };

  it('collects once after a quiet spell that follows requests, not during them', () => {
    const heap = { used: 100 * MB };
    const { idle, runs } = setup(heap);
    idle.seen += 5;
    expect(idle.tick(0)).toBe(false); // requests since the last look: busy
    idle.seen += 5;
    expect(idle.tick(1500)).toBe(false);
    expect(idle.tick(3000)).toBe(false); // quiet for 1.5 s only
    expect(idle.tick(3600)).toBe(true); // quiet for 2.1 s
    expect(idle.tick(5000)).toBe(false); // once per quiet spell
    expect(runs).toEqual([100 * MB]);
  });

  it('collects again only after new requests and 8 MB of growth over what the last one left (committed)', () => {
    const heap = { used: 100 * MB, left: 60 * MB };
    const { idle, runs } = setup(heap);
    idle.seen++;
    idle.tick(0);
    expect(idle.tick(2500)).toBe(true); // leaves 60 MB
    idle.seen++;
    idle.tick(3000);
    heap.used = 66 * MB;
    expect(idle.tick(6000)).toBe(false); // grew by 6 MB: not worth a pause
    idle.seen++;
    idle.tick(7000);
    heap.used = 69 * MB;
    expect(idle.tick(9500)).toBe(true);
    expect(runs).toEqual([100 * MB, 69 * MB]);
  });

  it('waits while a request is still being served (a long stream), then collects', () => {
    const heap = { used: 100 * MB };
    const { idle, runs } = setup(heap);
    idle.seen++;
    idle.inFlight++;
    idle.tick(0);
    expect(idle.tick(5000)).toBe(false); // no new request, but one still in flight
    idle.finished();
    expect(idle.tick(5500)).toBe(false); // quiet from now on
    expect(idle.tick(7600)).toBe(true);
    expect(runs).toEqual([100 * MB]);
  });

  it('finds a gc() to call without --expose-gc', () => {
    expect(typeof exposedGc()).toBe('function');
  });
});
