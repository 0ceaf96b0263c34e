import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@switchyard/core';
import type { ActivityLogRepository, NewActivityRow } from './activity-log.repository.js';
import { ACTIVITY_BATCH_SIZE, ActivityLogService } from './activity-log.service.js';

class FakeRepository {
  batches: NewActivityRow[][] = [];
  failNext = 0;
  async insertMany(rows: NewActivityRow[]): Promise<void> {
    await Promise.resolve();
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database unavailable');
    }
    this.batches.push(rows);
  }
}

function setup() {
  const repo = new FakeRepository();
  const config = loadConfig({ NODE_ENV: 'test', ACTIVITY_LOG_FLUSH_MS: '60000' });
  const sut = new ActivityLogService(config, repo as unknown as ActivityLogRepository);
  return { sut, repo };
}

describe('ActivityLogService', () => {
  it('buffers entries and writes them in order, in batches', async () => {
    const { sut, repo } = setup();
    for (let i = 0; i < ACTIVITY_BATCH_SIZE * 2 + 3; i++) sut.record({ action: 'TEST', description: `${i}` });
    await sut.flush();
    expect(repo.batches.map((b) => b.length)).toEqual([ACTIVITY_BATCH_SIZE, ACTIVITY_BATCH_SIZE, 3]);
    expect(repo.batches.flat().map((r) => r.description)).toEqual(
      Array.from({ length: ACTIVITY_BATCH_SIZE * 2 + 3 }, (_, i) => `${i}`),
    );
    expect(sut.pending).toBe(0);
  });

  it('keeps entries when the database fails, and writes them on the next flush', async () => {
    const { sut, repo } = setup();
    sut.record({ action: 'TEST', description: 'first' });
    sut.record({ action: 'TEST', description: 'second' });
    repo.failNext = 1;
    await expect(sut.flush()).rejects.toThrow('database unavailable');
    expect(sut.pending).toBe(2);
    sut.record({ action: 'TEST', description: 'third' });
    await sut.flush();
    expect(repo.batches.flat().map((r) => r.description)).toEqual(['first', 'second', 'third']);
  });

  it('fills in defaults: the system actor, now, and a masked key hint', async () => {
    const { sut, repo } = setup();
    const before = Date.now();
    sut.record({ action: 'COOLDOWN', provider: 'openai', keyHint: 'sk-proj-full-secret-key-9z9z' });
    sut.record({ action: 'SELECT', keyHint: '…abcd' });
    await sut.flush();
    const [first, second] = repo.batches.flat();
    expect(first).toMatchObject({
      actorType: 'system',
      actorLabel: 'switchyard',
      tenantId: null,
      keyHint: '…9z9z',
      requestId: null,
    });
    expect(first!.occurredAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(second!.keyHint).toBe('…abcd');
  });

  it('writes what is left at shutdown', async () => {
    const { sut, repo } = setup();
    sut.onModuleInit();
    sut.record({ action: 'TEST' });
    await sut.beforeApplicationShutdown();
    sut.record({ action: 'TEST', description: 'late' });
    await sut.onApplicationShutdown();
    expect(repo.batches.flat()).toHaveLength(2);
  });
});
