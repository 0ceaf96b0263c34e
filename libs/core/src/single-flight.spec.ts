import { describe, expect, it } from '@jest/globals';
import { LoadingCache, SingleFlight } from './single-flight.js';

/** A load the test finishes by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('shares one load among concurrent callers of a key, and loads again once it has finished', async () => {
    const flight = new SingleFlight<string, number>();
    let loads = 0;
    const gate = deferred<number>();
    const load = () => {
      loads++;
      return gate.promise;
    };
    const callers = [flight.run('a', load), flight.run('a', load), flight.run('a', load)];
    expect(loads).toBe(1);
    expect(flight.size).toBe(1);
    gate.resolve(7);
    await expect(Promise.all(callers)).resolves.toEqual([7, 7, 7]);
    expect(flight.size).toBe(0);
    await flight.run('a', async () => ++loads);
    expect(loads).toBe(2);
  });

  it('keeps keys apart', async () => {
    const flight = new SingleFlight<string, string>();
    const [a, b] = await Promise.all([flight.run('a', async () => 'A'), flight.run('b', async () => 'B')]);
    expect([a, b]).toEqual(['A', 'B']);
  });

  it('gives every waiting caller the failure, then lets the next caller try again', async () => {
    const flight = new SingleFlight<string, number>();
    const gate = deferred<number>();
    const callers = [flight.run('a', () => gate.promise), flight.run('a', () => gate.promise)];
    gate.reject(new Error('database down'));
    for (const caller of callers) await expect(caller).rejects.toThrow('database down');
    await expect(flight.run('a', async () => 1)).resolves.toBe(1);
  });

  it('turns a load that throws before returning a promise into a rejection', async () => {
    const flight = new SingleFlight<string, number>();
    await expect(
      flight.run('a', () => {
        throw new Error('bad key');
      }),
    ).rejects.toThrow('bad key');
    expect(flight.size).toBe(0);
  });

  it('after forget, new callers start a fresh load while the earlier ones keep theirs', async () => {
    const flight = new SingleFlight<string, string>();
    const old = deferred<string>();
    const before = flight.run('a', () => old.promise);
    flight.forget('a');
    const after = flight.run('a', async () => 'fresh');
    old.resolve('stale');
    await expect(before).resolves.toBe('stale');
    await expect(after).resolves.toBe('fresh');
    // The old load finishing does not drop the fresh one's slot (nor leave its own behind).
    expect(flight.size).toBe(0);
  });
});

describe('LoadingCache', () => {
  it('loads a miss once for concurrent callers, then answers from memory', async () => {
    const cache = new LoadingCache<string, string>(10, 60_000);
    let loads = 0;
    const gate = deferred<string | null>();
    const load = () => {
      loads++;
      return gate.promise;
    };
    const callers = [cache.get('k', load), cache.get('k', load)];
    expect(callers[0]).toBeInstanceOf(Promise);
    gate.resolve('v');
    expect(await Promise.all(callers.map(async (c) => c))).toEqual(['v', 'v']);
    expect(cache.get('k', load)).toBe('v');
    expect(cache.cached('k')).toBe('v');
    expect(loads).toBe(1);
  });

  it('does not keep a load that an invalidation overtook (a row read just before its revocation)', async () => {
    for (const invalidate of [
      (c: LoadingCache<string, string>) => c.delete('k'),
      (c: LoadingCache<string, string>) => c.deleteWhere((v) => v === 'active'),
      (c: LoadingCache<string, string>) => c.clear(),
    ]) {
      const cache = new LoadingCache<string, string>(10, 60_000);
      const read = deferred<string | null>();
      const waiting = cache.get('k', () => read.promise);
      invalidate(cache);
      read.resolve('active');
      // The caller that was already waiting gets the answer it asked for...
      await expect(waiting).resolves.toBe('active');
      // ...but the next one reads again, and sees the revocation.
      expect(cache.cached('k')).toBeUndefined();
      await expect(cache.get('k', async () => 'revoked')).resolves.toBe('revoked');
      expect(cache.cached('k')).toBe('revoked');
    }
  });

  it('a caller that comes after an invalidation, while the overtaken load still runs, gets a fresh load', async () => {
    const cache = new LoadingCache<string, string>(10, 60_000);
    const stale = deferred<string | null>();
    const before = cache.get('k', () => stale.promise);
    cache.delete('k');
    let loads = 0;
    const after = cache.get('k', async () => {
      loads++;
      return 'revoked';
    });
    await expect(after).resolves.toBe('revoked');
    expect(loads).toBe(1);
    stale.resolve('active');
    await expect(before).resolves.toBe('active');
    expect(cache.cached('k')).toBe('revoked');
  });

  it('does not keep "nothing there" (null) or a failed load', async () => {
    const cache = new LoadingCache<string, string>(10, 60_000);
    await expect(cache.get('k', async () => null)).resolves.toBeNull();
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(cache.size).toBe(0);
    await expect(cache.get('k', async () => 'v')).resolves.toBe('v');
  });

  it('deleteWhere drops only the entries it picks', async () => {
    const cache = new LoadingCache<string, number>(10, 60_000);
    for (const [k, v] of Object.entries({ a: 1, b: 2, c: 3 })) await cache.get(k, async () => v);
    cache.deleteWhere((v) => v % 2 === 1);
    expect([cache.cached('a'), cache.cached('b'), cache.cached('c')]).toEqual([undefined, 2, undefined]);
  });

  it('expires entries after the TTL', async () => {
    const cache = new LoadingCache<string, string>(10, 20);
    await cache.get('k', async () => 'v');
    expect(cache.cached('k')).toBe('v');
    await new Promise((r) => setTimeout(r, 40));
    expect(cache.cached('k')).toBeUndefined();
  });

  it('keeps entries for good with a TTL of 0', async () => {
    const cache = new LoadingCache<string, string>(10, 0);
    await cache.get('k', async () => 'v');
    await new Promise((r) => setTimeout(r, 30));
    expect(cache.cached('k')).toBe('v');
  });
});
