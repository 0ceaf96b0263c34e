import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import { KEYLESS_PLACEHOLDER } from '@switchyard/providers';
import OpenAI from 'openai';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

const simKey = (label: string) => `sk-sim-${label}-${randomBytes(12).toString('hex')}`;

/** Adds each key to the tenant admin's pool for `simulator`; returns their ids in order. */
async function addTenantKeys(t: LlmGateway, keys: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const key of keys) {
    const res = await request(t.gw.url)
      .post('/api/v1/provider-keys')
      .auth(t.tenantAdmin.token, { type: 'bearer' })
      .send({ provider: 'simulator', name: key.slice(7, 12), key })
      .expect(201);
    ids.push(res.body.id as string);
  }
  return ids;
}

/** A request's activity entries as [action, key id], oldest first; waits for ones recorded after the response. */
async function requestTrail(t: LlmGateway, requestId: string, atLeast = 1) {
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

/**
 * Key failover end to end: the official SDK calls /v1, the gateway walks the tenant's vault keys
 * through the real upstream executor, and the simulator sees which key each attempt used.
 */
describe('key failover through /v1 (vault keys, simulator upstream)', () => {
  let t: LlmGateway;
  const keys = [simKey('one'), simKey('two'), simKey('three')];
  let ids: string[] = [];
  beforeAll(async () => {
    t = await startLlmGateway({ env: { VAULT_COOLDOWN_BASE_MS: '200' } });
    ids = await addTenantKeys(t, keys);
    await request(t.gw.url)
      .post(`/api/v1/provider-keys/${ids[0]}/select`)
      .auth(t.tenantAdmin.token, { type: 'bearer' })
      .expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  const events = (requestId: string, atLeast = 1) => requestTrail(t, requestId, atLeast);

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

describe('failover selects the key that served', () => {
  let t: LlmGateway;
  const keys = [simKey('a'), simKey('b'), simKey('c')];
  let ids: string[] = [];
  beforeAll(async () => {
    t = await startLlmGateway({ env: { VAULT_COOLDOWN_BASE_MS: '200' } });
    ids = await addTenantKeys(t, keys);
  });
  afterAll(async () => {
    await t?.close();
  });

  const trail = (requestId: string, atLeast: number) => requestTrail(t, requestId, atLeast);
  const chat = (content: string) =>
    t.client.chat.completions
      .create({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content }] })
      .withResponse();
  const selected = async (id: string) =>
    (
      await request(t.gw.url)
        .get(`/api/v1/provider-keys/${id}`)
        .auth(t.tenantAdmin.token, { type: 'bearer' })
        .expect(200)
    ).body.selected as boolean;

  it('with no key selected, [401, 429, ok] logs INVALID, COOLDOWN, then SELECT of the third, and the next call starts there', async () => {
    t.sim.invalidateKey(keys[0]!);
    t.sim.setKeyBehavior(keys[1]!, { status: 429, retryAfterSeconds: 1, times: 1 });
    t.sim.clearRequests();
    const { response } = await chat('x');
    expect(t.sim.requests.map((r) => r.apiKey)).toEqual(keys);
    expect(await trail(response.headers.get('x-request-id')!, 3)).toEqual([
      ['INVALID', ids[0]],
      ['COOLDOWN', ids[1]],
      ['SELECT', ids[2]],
    ]);
    expect(await selected(ids[2]!)).toBe(true);
    // Once the second key has rested it is usable again, yet the selected third key goes first.
    await new Promise((r) => setTimeout(r, 1100));
    t.sim.clearRequests();
    await chat('y');
    expect(t.sim.requests.map((r) => r.apiKey)).toEqual([keys[2]]);
  });

  it('a selected key that is rate-limited is unselected for the key that served', async () => {
    t.sim.setKeyBehavior(keys[2]!, { status: 429, retryAfterSeconds: 30 });
    t.sim.clearRequests();
    const { response } = await chat('z');
    expect(t.sim.requests.map((r) => r.apiKey)).toEqual([keys[2], keys[1]]);
    expect(await trail(response.headers.get('x-request-id')!, 3)).toEqual([
      ['COOLDOWN', ids[2]],
      ['UNSELECT', ids[2]],
      ['SELECT', ids[1]],
    ]);
    expect(await selected(ids[1]!)).toBe(true);
    expect(await selected(ids[2]!)).toBe(false);
  });
});

describe('an environment key that serves several providers', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({ env: { VAULT_COOLDOWN_BASE_MS: '5000' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('rests after a 429 for the provider that sent it only: a models[] fallback to another provider on the same key is served', async () => {
    // The three simulator providers share one environment key (the keyless placeholder).
    const body = {
      models: ['simulator/sim-gpt-fault-429', 'simulator-anthropic/sim-claude'],
      messages: [{ role: 'user' as const, content: 'hello' }],
    };
    for (let call = 0; call < 2; call++) {
      const answer = await t.client.chat.completions.create(body as never);
      expect(answer.model).toContain('sim-claude');
      expect(answer.choices[0]!.message.content).toBeTruthy();
    }
    // The key rests for the provider that rate-limited it: a plain call there finds no key.
    const error = await t.client.chat.completions
      .create({ model: 'simulator/sim-gpt', messages: body.messages })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
    expect(error?.status).toBe(503);
    // And still serves the other simulator providers.
    const gemini = await t.client.chat.completions.create({
      model: 'simulator-gemini/sim-gemini',
      messages: body.messages,
    });
    expect(gemini.choices[0]!.message.content).toBeTruthy();
  });
});
