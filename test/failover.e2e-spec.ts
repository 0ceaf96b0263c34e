import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import { KEYLESS_PLACEHOLDER } from '@switchyard/providers';
import OpenAI from 'openai';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

const simKey = (label: string) => `sk-sim-${label}-${randomBytes(12).toString('hex')}`;

/**
 * Key failover end to end: the official SDK calls /v1, the gateway walks the tenant's vault keys
 * through the real upstream executor, and the simulator sees which key each attempt used.
 */
describe('key failover through /v1 (vault keys, simulator upstream)', () => {
  let t: LlmGateway;
  const keys = [simKey('one'), simKey('two'), simKey('three')];
  const ids: string[] = [];
  beforeAll(async () => {
    t = await startLlmGateway({ env: { VAULT_COOLDOWN_BASE_MS: '200' } });
    for (const key of keys) {
      const res = await request(t.gw.url)
        .post('/api/v1/provider-keys')
        .auth(t.tenantAdmin.token, { type: 'bearer' })
        .send({ provider: 'simulator', name: key.slice(7, 12), key })
        .expect(201);
      ids.push(res.body.id as string);
    }
    await request(t.gw.url)
      .post(`/api/v1/provider-keys/${ids[0]}/select`)
      .auth(t.tenantAdmin.token, { type: 'bearer' })
      .expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The request's activity entries, oldest first; waits for ones recorded after the response. */
  async function events(requestId: string, atLeast = 1) {
    let trail: Array<[string, string | null]> = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      await t.gw.app.get(ActivityLogService).flush();
      const res = await request(t.gw.url)
        .get('/api/v1/activity-logs')
        .query({ limit: 100 })
        .auth(t.adminToken, { type: 'bearer' })
        .expect(200);
      trail = (res.body.data as Array<{ action: string; key_id: string | null; request_id: string | null }>)
        .filter((e) => e.request_id === requestId)
        .reverse()
        .map((e) => [e.action, e.key_id]);
      if (trail.length >= atLeast) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return trail;
  }

  it('401 on the first key, 429 on the second: the call succeeds on the third, in that order, and the log says so', async () => {
    t.sim.invalidateKey(keys[0]!);
    t.sim.setKeyBehavior(keys[1]!, { status: 429, retryAfterSeconds: 1 });
    t.sim.clearRequests();
    const { data, response } = await t.client.chat.completions
      .create({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'failover please' }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('echo: failover please');
    expect(t.sim.requests.map((r) => r.apiKey)).toEqual(keys);
    expect(await events(response.headers.get('x-request-id')!, 4)).toEqual([
      ['INVALID', ids[0]],
      ['UNSELECT', ids[0]],
      ['COOLDOWN', ids[1]],
      ['SELECT', ids[2]],
    ]);
  });

  it('skips the cooling key, then uses it again once its cooldown is over', async () => {
    t.sim.clearRequests();
    await t.client.chat.completions.create({
      model: 'simulator/sim-gpt',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(t.sim.requests.map((r) => r.apiKey)).toEqual([keys[2]]);
    t.sim.setKeyBehavior(keys[1]!, null);
    await new Promise((r) => setTimeout(r, 1100));
    t.sim.setKeyBehavior(keys[2]!, { status: 429, retryAfterSeconds: 30, times: 1 });
    t.sim.clearRequests();
    await t.client.chat.completions.create({
      model: 'simulator/sim-gpt',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(t.sim.requests.map((r) => r.apiKey)).toEqual([keys[2], keys[1]]);
  });

  it('answers 503 in the OpenAI envelope when every key is spent, and logs EXHAUSTED', async () => {
    t.sim.invalidateKey(keys[1]!);
    t.sim.invalidateKey(KEYLESS_PLACEHOLDER);
    const { response, error } = await t.client.chat.completions
      .create({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'x' }] })
      .withResponse()
      .then(
        (r) => ({ response: r.response, error: undefined }),
        (e: unknown) => ({ response: undefined, error: e as InstanceType<typeof OpenAI.APIError> }),
      );
    expect(response).toBeUndefined();
    expect(error!.status).toBe(503);
    expect(error!.type).toBe('upstream_error');
    const requestId = error!.headers?.get('x-request-id');
    const trail = await events(requestId!);
    expect(trail.map(([action]) => action)).toContain('EXHAUSTED');
  });
});
