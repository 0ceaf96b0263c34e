import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import { UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { startTestGateway } from './support/test-gateway.js';

const TEST_KEY = 'test-key';
const SECOND_KEY = 'second-fixed-key-for-the-compat-test';

interface KeyRow {
  id: string;
  name: string;
  masked_key: string;
  revoked_at: string | null;
}

/**
 * ModelRouter API's fixed keys (docs/compat.md, decision 0018): API_KEYS creates them at start for
 * the bootstrap admin, and a client sends one as that system's users did.
 */
describe('compat: ModelRouter API keys (API_KEYS)', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({ env: { API_KEYS: `${TEST_KEY}, ${SECOND_KEY}` } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const adminKeys = async (url = t.gw.url): Promise<KeyRow[]> => {
    const res = await request(url)
      .get('/api/v1/api-keys?limit=100')
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    return (res.body.data as KeyRow[]).filter((k) => k.name.startsWith('API_KEYS #'));
  };

  it("works with the openai SDK and apiKey 'test-key' (Bearer), as the bootstrap admin's key", async () => {
    const client = new OpenAI({ baseURL: `${t.gw.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: 'simulator/sim-gpt',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(res.choices[0]!.message.content).toBe('echo: Hi');
    const keys = await adminKeys();
    expect(keys.map((k) => k.name).sort()).toEqual(['API_KEYS #1', 'API_KEYS #2']);
    // A short key's end is not shown: it would be half the key.
    expect(keys.find((k) => k.name === 'API_KEYS #1')!.masked_key).toBe('API_KEYS…');
    expect(keys.find((k) => k.name === 'API_KEYS #2')!.masked_key).toBe('API_KEYS…test');

    // Usage and the activity log see it as the admin's API key.
    const keyId = keys.find((k) => k.name === 'API_KEYS #1')!.id;
    await t.gw.app.get(UsageRecorder).flush();
    const usage = await request(t.gw.url)
      .get('/api/v1/usage?group_by=key')
      .set('x-api-key', TEST_KEY)
      .expect(200);
    expect(usage.body.data.find((g: { key?: string }) => g.key === keyId)?.requests).toBeGreaterThanOrEqual(
      1,
    );
    await t.gw.app.get(ActivityLogService).flush();
    const activity = await request(t.gw.url)
      .get('/api/v1/activity-logs?action=API_KEY_CREATED')
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    expect(
      activity.body.data.filter((e: { actor: { label?: string } }) => e.actor.label === 'API_KEYS'),
    ).toHaveLength(2);
  });

  it('works with X-Api-Key: test-key, on /v1 and the management API that allows keys', async () => {
    const chat = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('x-api-key', TEST_KEY)
      .send({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'Hello' }] })
      .expect(200);
    expect(chat.body.choices[0].message.content).toBe('echo: Hello');
    await request(t.gw.url).get('/v1/models').set('x-api-key', SECOND_KEY).expect(200);
    await request(t.gw.url).get('/api/v1/credits/balance').set('x-api-key', TEST_KEY).expect(200);
    // Same treatment as any API key: a JWT-only endpoint refuses it.
    const jwtOnly = await request(t.gw.url).get('/api/v1/api-keys').set('x-api-key', TEST_KEY);
    expect(jwtOnly.status).toBe(403);
    expect(jwtOnly.body.error.code).toBe('api_key_not_allowed');
  });

  it('refuses a wrong key with 401, as Bearer and as X-Api-Key; a JWT still works as a JWT', async () => {
    for (const wrong of ['test-kez', 'test-key-', 'TEST-KEY', 'sk-sy-not-a-real-key']) {
      const bearer = await request(t.gw.url)
        .post('/v1/chat/completions')
        .auth(wrong, { type: 'bearer' })
        .send({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'Hi' }] });
      expect(bearer.status).toBe(401);
      expect(bearer.body.error.type).toBe('authentication_error');
      const header = await request(t.gw.url)
        .post('/v1/chat/completions')
        .set('x-api-key', wrong)
        .send({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'Hi' }] });
      expect(header.status).toBe(401);
    }
    await request(t.gw.url).get('/v1/models').auth(t.adminToken, { type: 'bearer' }).expect(200);
    await request(t.gw.url).get('/v1/models').auth(t.member.token, { type: 'bearer' }).expect(200);
    await request(t.gw.url).get('/v1/models').auth(t.key, { type: 'bearer' }).expect(200);
  });

  it('a restart with the same API_KEYS creates no duplicate; a key no longer listed is revoked', async () => {
    const before = await adminKeys();
    const same = await startTestGateway({
      databaseUrl: t.gw.databaseUrl,
      env: { SIMULATOR_URL: t.sim.url, API_KEYS: `${TEST_KEY},${SECOND_KEY}` },
    });
    try {
      const after = await adminKeys(same.url);
      expect(after.map((k) => k.id).sort()).toEqual(before.map((k) => k.id).sort());
      await request(same.url).get('/v1/models').set('x-api-key', TEST_KEY).expect(200);
    } finally {
      await same.close();
    }

    const fewer = await startTestGateway({
      databaseUrl: t.gw.databaseUrl,
      env: { SIMULATOR_URL: t.sim.url, API_KEYS: TEST_KEY },
    });
    try {
      const after = await adminKeys(fewer.url);
      expect(after).toHaveLength(2);
      expect(after.find((k) => k.name === 'API_KEYS #1')!.revoked_at).toBeNull();
      expect(after.find((k) => k.name === 'API_KEYS #2')!.revoked_at).not.toBeNull();
      await request(fewer.url).get('/v1/models').set('x-api-key', TEST_KEY).expect(200);
      await request(fewer.url).get('/v1/models').set('x-api-key', SECOND_KEY).expect(401);
    } finally {
      await fewer.close();
    }

    // Listed again, a revoked key stays revoked (it may have been revoked because it leaked).
    const again = await startTestGateway({
      databaseUrl: t.gw.databaseUrl,
      env: { SIMULATOR_URL: t.sim.url, API_KEYS: `${TEST_KEY},${SECOND_KEY}` },
    });
    try {
      const after = await adminKeys(again.url);
      expect(after).toHaveLength(2);
      expect(after.find((k) => k.name === 'API_KEYS #2')!.revoked_at).not.toBeNull();
      await request(again.url).get('/v1/models').set('x-api-key', SECOND_KEY).expect(401);
    } finally {
      await again.close();
    }
  });
});
