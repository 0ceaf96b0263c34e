import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import request from 'supertest';
import { startSimulator, type Simulator } from '../../apps/simulator/src/index.js';
import { createApiKey, loginAdmin, seedTenant, type SeededUser } from './session.js';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from './test-gateway.js';

export interface LlmGateway {
  sim: Simulator;
  gw: TestGateway;
  adminToken: string;
  member: SeededUser;
  tenantAdmin: SeededUser;
  key: string;
  client: OpenAI;
  /** An OpenAI client with another key (e.g. restricted models, low RPM). */
  clientWith(key: string): OpenAI;
  close(): Promise<void>;
}

export interface LlmGatewayOptions extends TestGatewayOptions {
  /** More environment that needs the simulator's URL (e.g. a local provider's base URL). */
  simEnv?: (simUrl: string) => Record<string, string | undefined>;
}

/**
 * A gateway whose providers are an in-process simulator over real HTTP, with a seeded tenant,
 * a member, an API key, and the official OpenAI SDK pointed at the gateway.
 */
export async function startLlmGateway(options: LlmGatewayOptions = {}): Promise<LlmGateway> {
  const sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  const gw = await startTestGateway({
    ...options,
    env: {
      SIMULATOR_URL: sim.url,
      UPSTREAM_RETRY_BASE_MS: '5',
      ...options.simEnv?.(sim.url),
      ...options.env,
    },
  });
  const adminToken = await loginAdmin(gw.url);
  const { member, admin } = await seedTenant(gw.url, adminToken);
  const { key } = await createApiKey(gw.url, member.token);
  const clientWith = (k: string) =>
    new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: k, maxRetries: 0, timeout: 20_000 });
  return {
    sim,
    gw,
    adminToken,
    member,
    tenantAdmin: admin,
    key,
    client: clientWith(key),
    clientWith,
    close: async () => {
      await gw.close();
      await sim.close();
    },
  };
}

/**
 * `startLlmGateway` with sim-gpt priced at 1 credit per output token and one micro-credit of
 * input per call, and no signup credits: the simulator writes exactly `max_tokens` tokens, so a
 * call's worst case is its cost (`tokens × 1,000,000 + 1` micro-credits).
 */
export async function startMeteredGateway(options: LlmGatewayOptions = {}): Promise<LlmGateway> {
  const t = await startLlmGateway({ ...options, env: { SIGNUP_CREDITS: '0', ...options.env } });
  await request(t.gw.url)
    .put('/api/v1/models/simulator/sim-gpt')
    .auth(t.adminToken, { type: 'bearer' })
    .send({ pricing: { inputPerMTok: '0.000001', outputPerMTok: '1000000' } })
    .expect(200);
  return t;
}

/** Grants the member `amount` credits (an admin grant with its own idempotency key). */
export async function fundMember(t: LlmGateway, amount: string, reason = 'test funding'): Promise<void> {
  await request(t.gw.url)
    .post('/api/v1/credits/grants')
    .auth(t.adminToken, { type: 'bearer' })
    .set('idempotency-key', randomUUID())
    .send({ user_id: t.member.id, amount, reason })
    .expect(201);
}

/** The member's credit balance as `GET /api/v1/credits/balance` answers it (to compare whole). */
export async function memberBalance(t: LlmGateway): Promise<unknown> {
  const res = await request(t.gw.url)
    .get('/api/v1/credits/balance')
    .auth(t.member.token, { type: 'bearer' })
    .expect(200);
  return res.body as unknown;
}
