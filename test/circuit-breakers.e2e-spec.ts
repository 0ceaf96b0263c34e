import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import OpenAI from 'openai';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Circuit breakers per model and endpoint, counting calls (not attempts), through /v1 with the
 * official SDK against the simulator: `sim-gpt-hang` never answers, `sim-gpt` is healthy.
 */
describe('circuit breakers', () => {
  let t: LlmGateway;
  const messages = [{ role: 'user' as const, content: 'hello' }];
  const failing = async (model: string, stream = false) => {
    const started = Date.now();
    const error = await (
      stream
        ? t.client.chat.completions.create({ model, messages, stream: true }).then(async (s) => {
            for await (const chunk of s) void chunk;
          })
        : t.client.chat.completions.create({ model, messages })
    ).then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
    );
    return { error, ms: Date.now() - started };
  };
  const ready = async () =>
    (await request(t.gw.url).get('/api/v1/health/ready').expect(200)).body.details.circuits as {
      open: number;
      breakers: Array<{ provider: string; model: string; state: string; endpoint: string }>;
    };

  beforeAll(async () => {
    t = await startLlmGateway({
      env: {
        SIMULATOR_TIMEOUT_MS: '300',
        UPSTREAM_MAX_RETRIES: '2',
        CIRCUIT_BREAKER_THRESHOLD: '3',
        CIRCUIT_BREAKER_HALF_OPEN_MS: '1500',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('one hanging call (three timed-out attempts) and one stalled stream count as two failures: nothing opens and a sibling model is served', async () => {
    t.sim.clearRequests();
    const plain = await failing('simulator/sim-gpt-hang');
    expect(plain.error?.status).toBe(504);
    // Three attempts went upstream for that one call.
    expect(t.sim.requests.filter((r) => r.model === 'sim-gpt-hang')).toHaveLength(3);
    const streamed = await failing('simulator/sim-gpt-hang', true);
    expect(streamed.error?.status).toBe(504);
    // A healthy model of the same provider (same endpoint) is untouched.
    const ok = await t.client.chat.completions.create({ model: 'simulator/sim-gpt', messages });
    expect(ok.choices[0]!.message.content).toBe('echo: hello');
    expect((await ready()).open).toBe(0);
  });

  it('the third failed call opens that model’s circuit only; it fails fast, is shown in readiness and logged', async () => {
    await failing('simulator/sim-gpt-hang');
    t.sim.clearRequests();
    const fast = await failing('simulator/sim-gpt-hang');
    expect(fast.error?.status).toBe(502);
    expect(fast.error?.message).toMatch(/circuit is open/);
    expect(t.sim.requests).toHaveLength(0);
    const ok = await t.client.chat.completions.create({ model: 'simulator/sim-gpt', messages });
    expect(ok.choices[0]!.message.content).toBe('echo: hello');
    const circuits = await ready();
    expect(circuits.open).toBe(1);
    expect(circuits.breakers).toEqual([
      expect.objectContaining({
        provider: 'simulator',
        model: 'sim-gpt-hang',
        state: 'open',
        endpoint: 'default',
      }),
    ]);
    await t.gw.app.get(ActivityLogService).flush();
    const log = await request(t.gw.url)
      .get('/api/v1/activity-logs')
      .query({ action: 'CIRCUIT_OPEN' })
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0]).toMatchObject({ provider: 'simulator', metadata: { model: 'sim-gpt-hang' } });
  });

  it('after the half-open delay one probe goes through; a success closes the circuit (logged)', async () => {
    await sleep(1600);
    // The model name carries the fault; `hang=0` makes the simulator answer this probe.
    t.sim.clearRequests();
    const probe = await t.client.chat.completions.create(
      { model: 'simulator/sim-gpt-hang', messages },
      { headers: { 'x-sim-fault': 'hang=0' } },
    );
    expect(probe.choices[0]!.message.content).toBeTruthy();
    expect(t.sim.requests).toHaveLength(1);
    expect((await ready()).open).toBe(0);
    await t.gw.app.get(ActivityLogService).flush();
    const log = await request(t.gw.url)
      .get('/api/v1/activity-logs')
      .query({ action: 'CIRCUIT_CLOSE' })
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    expect(log.body.data).toHaveLength(1);
  });
});
