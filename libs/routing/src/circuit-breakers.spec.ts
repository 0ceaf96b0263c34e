import { describe, expect, it } from '@jest/globals';
import type { ActivityLogService } from '@switchyard/activity-log';
import { loadConfig, RedisService } from '@switchyard/core';
import { ProviderError, type ProviderCredentials, type ResolvedModel } from '@switchyard/providers';
import { CircuitBreakers, MAX_BREAKERS } from './circuit-breakers.js';

const config = loadConfig({ NODE_ENV: 'test', CIRCUIT_BREAKER_THRESHOLD: '2' });
const creds = { apiKey: 'k', baseUrl: 'http://ollama.local/v1' } as ProviderCredentials;
const model = (id: string) => ({ provider: { id: 'ollama' }, model: { id } }) as unknown as ResolvedModel;

/** Breakers on one instance (no REDIS_URL), with the activity log's records kept. */
function sut(cfg = config): { breakers: CircuitBreakers; records: unknown[] } {
  const records: unknown[] = [];
  const activity = { record: (r: unknown) => records.push(r) } as unknown as ActivityLogService;
  return { breakers: new CircuitBreakers(cfg, new RedisService(cfg), activity), records };
}

async function fail(breakers: CircuitBreakers, id: string): Promise<void> {
  const down = new ProviderError('server', 'upstream 500', { provider: 'ollama', upstreamStatus: 500 });
  await breakers
    .for(model(id), creds)
    .execute(() => Promise.reject(down))
    .catch(() => undefined);
}

describe('CircuitBreakers', () => {
  it('keeps at most MAX_BREAKERS, however many model names callers send', () => {
    const { breakers } = sut();
    for (let i = 0; i < MAX_BREAKERS + 500; i++) breakers.for(model(`name-${i}`), creds);
    const views = breakers.views();
    expect(views).toHaveLength(MAX_BREAKERS);
    // The oldest went first.
    expect(views.some((v) => v.model === 'name-0')).toBe(false);
    expect(views.some((v) => v.model === `name-${MAX_BREAKERS + 499}`)).toBe(true);
  });

  it('forgets the least recently used closed breaker, never an open one', async () => {
    const { breakers, records } = sut();
    await fail(breakers, 'failing');
    await fail(breakers, 'failing');
    expect(records).toHaveLength(1); // CIRCUIT_OPEN
    const hot = breakers.for(model('hot'), creds);
    for (let i = 0; i < MAX_BREAKERS * 2; i++) {
      breakers.for(model(`name-${i}`), creds);
      // Asked for between the new names: always among the most recent.
      expect(breakers.for(model('hot'), creds)).toBe(hot);
    }
    const views = breakers.views();
    expect(views).toHaveLength(MAX_BREAKERS);
    expect(views.find((v) => v.model === 'failing')).toMatchObject({ state: 'open' });
    // The same breaker, still open: a call is refused without reaching the model.
    await expect(breakers.for(model('failing'), creds).execute(() => Promise.resolve(1))).rejects.toThrow(
      /circuit/i,
    );
  });

  it('keeps a closed breaker with transient failures in a row over one with none', async () => {
    const { breakers, records } = sut();
    await fail(breakers, 'flaky'); // one of the two failures that open it
    // Never asked for again while twice the cap of new names come: the least recently used.
    for (let i = 0; i < MAX_BREAKERS * 2; i++) breakers.for(model(`name-${i}`), creds);
    const views = breakers.views();
    expect(views).toHaveLength(MAX_BREAKERS);
    expect(views.find((v) => v.model === 'flaky')).toMatchObject({ state: 'closed' });
    // Its count survived: the next failure is the second in a row and opens the circuit.
    await fail(breakers, 'flaky');
    expect(records).toHaveLength(1);
    expect(breakers.views().find((v) => v.model === 'flaky')).toMatchObject({ state: 'open' });
  });

  it('forgets a breaker with failed calls only when every closed one has some', async () => {
    const { breakers } = sut();
    for (let i = 0; i < MAX_BREAKERS; i++) await fail(breakers, `flaky-${i}`);
    breakers.for(model('new'), creds);
    const views = breakers.views();
    expect(views).toHaveLength(MAX_BREAKERS);
    expect(views.some((v) => v.model === 'flaky-0')).toBe(false);
    expect(views.some((v) => v.model === 'new')).toBe(true);
  });

  it('starts a circuit closed by a probe that ended in a non-transient error from no failures', async () => {
    const { breakers, records } = sut(
      loadConfig({ NODE_ENV: 'test', CIRCUIT_BREAKER_THRESHOLD: '2', CIRCUIT_BREAKER_HALF_OPEN_MS: '100' }),
    );
    await fail(breakers, 'm');
    await fail(breakers, 'm');
    expect(breakers.views()[0]).toMatchObject({ state: 'open' });
    await new Promise((r) => setTimeout(r, 150));
    // The probe: the model answers, with a 400 (not the breaker's kind of failure).
    const refused = new ProviderError('bad_request', 'upstream 400', {
      provider: 'ollama',
      upstreamStatus: 400,
    });
    await breakers
      .for(model('m'), creds)
      .execute(() => Promise.reject(refused))
      .catch(() => undefined);
    expect(breakers.views()[0]).toMatchObject({ state: 'closed' });
    // One transient failure is one of two again, not a third past the threshold.
    await fail(breakers, 'm');
    expect(breakers.views()[0]).toMatchObject({ state: 'closed' });
    await fail(breakers, 'm');
    expect(breakers.views()[0]).toMatchObject({ state: 'open' });
    expect(records.map((r) => (r as { action: string }).action)).toEqual([
      'CIRCUIT_OPEN',
      'CIRCUIT_CLOSE',
      'CIRCUIT_OPEN',
    ]);
  });
});
