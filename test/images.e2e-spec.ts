import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UsageRecorder } from '@switchyard/credits';
import { ImageStore } from '@switchyard/images';
import OpenAI from 'openai';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, seedTenant } from './support/session.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

async function balanceOf(url: string, token: string): Promise<string> {
  const res = await request(url).get('/api/v1/credits/balance').auth(token, { type: 'bearer' }).expect(200);
  return res.body.balance as string;
}

describe('/v1/images/generations through the official openai SDK', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    // A TTL of 2 s so the expiry test is quick; nobody starts with credits.
    t = await startLlmGateway({ env: { IMAGE_URL_TTL_SECONDS: '2', SIGNUP_CREDITS: '0' } });
    await request(t.gw.url)
      .post('/api/v1/credits/grants')
      .auth(t.adminToken, { type: 'bearer' })
      .set('idempotency-key', randomUUID())
      .send({ user_id: t.member.id, amount: '10', reason: 'test funding' })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('returns b64_json that decodes to PNGs, n of them, charged n × perImage', async () => {
    const before = await balanceOf(t.gw.url, t.member.token);
    const { data, response } = await t.client.images
      .generate({
        model: 'simulator/sim-image',
        prompt: 'a red lighthouse',
        n: 2,
        response_format: 'b64_json',
      })
      .withResponse();
    expect(data.data).toHaveLength(2);
    for (const image of data.data ?? []) {
      const bytes = Buffer.from(image.b64_json!, 'base64');
      expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      expect(image.url).toBeUndefined();
    }
    // sim-image is 0.04 credits per image.
    expect(response.headers.get('x-switchyard-cost')).toBe('0.08');
    expect(response.headers.get('x-switchyard-model')).toBe('simulator/sim-image');
    const after = await balanceOf(t.gw.url, t.member.token);
    expect(Number(before) - Number(after)).toBeCloseTo(0.08, 6);
    await t.gw.app.get(UsageRecorder).flush();
  });

  it('asks the provider for base64 even when the caller wants a URL, and never returns a provider URL', async () => {
    t.sim.clearRequests();
    const answer = await t.client.images.generate({
      model: 'simulator/sim-image',
      prompt: 'a blue boat',
      response_format: 'url',
    });
    const url = answer.data![0]!.url!;
    expect(url.startsWith(`${t.gw.url}/v1/images/img_`)).toBe(true);
    expect(url).not.toContain(t.sim.url);
    expect(url).toMatch(/\?expires=\d+&sig=[A-Za-z0-9_-]+$/);
    const upstream = t.sim.requests.find((r) => r.path.includes('/images/generations'));
    expect((upstream?.body as { response_format?: string }).response_format).toBe('b64_json');

    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);

    // Tampered: another signature, another expiry, another id.
    const parsed = new URL(url);
    const sig = parsed.searchParams.get('sig')!;
    const flipped = new URL(url);
    flipped.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    expect((await fetch(flipped)).status).toBe(403);
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(parsed.searchParams.get('expires')) + 3600));
    expect((await fetch(later)).status).toBe(403);
    const other = new URL(url);
    other.pathname = '/v1/images/img_AAAAAAAAAAAAAAAAAAAAAA.png';
    expect([403, 404]).toContain((await fetch(other)).status);
    expect((await fetch(`${t.gw.url}/v1/images/..%2F..%2Fetc%2Fpasswd?expires=1&sig=x`)).status).toBe(404);
    expect((await fetch(`${t.gw.url}${parsed.pathname}`)).status).toBe(403);

    // Expired: the TTL is 2 s.
    await new Promise((r) => setTimeout(r, 3_100));
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    const body = (await expired.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/expired/);

    // The hourly sweep removes images whose URLs can no longer work.
    const store = t.gw.app.get(ImageStore);
    expect(await store.sweep(Date.now() + 120_000)).toBeGreaterThanOrEqual(1);
    const fresh = new URL(url);
    const { expires: e2, sig: s2 } = await store.sign(fresh.pathname.split('/').pop()!.replace('.png', ''));
    fresh.search = `?expires=${e2}&sig=${s2}`;
    expect((await fetch(fresh)).status).toBe(404);
  });

  it('answers 402 for an unfunded caller, and charges nothing', async () => {
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    const { key } = await createApiKey(t.gw.url, member.token);
    const client = t.clientWith(key);
    t.sim.clearRequests();
    const error = await client.images
      .generate({ model: 'simulator/sim-image', prompt: 'anything', n: 3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(t.sim.requests.filter((r) => r.path.includes('/images/'))).toHaveLength(0);
    expect(await balanceOf(t.gw.url, member.token)).toBe('0');
  });

  it('refuses bad input with 400 in the OpenAI envelope', async () => {
    const bad = async (body: Record<string, unknown>) => {
      const res = await request(t.gw.url)
        .post('/v1/images/generations')
        .auth(t.key, { type: 'bearer' })
        .send(body)
        .expect(400);
      expect(res.body.error.type).toBe('invalid_request_error');
      return res.body.error as { param?: string; message: string };
    };
    await bad({ model: 'simulator/sim-image', prompt: 'x', n: 0 });
    await bad({ model: 'simulator/sim-image', prompt: 'x', response_format: 'gif' });
    await bad({ model: 'simulator/sim-image' });
    // A chat model cannot draw.
    const error = await bad({ model: 'simulator/sim-gpt', prompt: 'x' });
    expect(error.message).toMatch(/image/);
  });

  it('needs a key to generate', async () => {
    await request(t.gw.url)
      .post('/v1/images/generations')
      .send({ model: 'sim-image', prompt: 'x' })
      .expect(401);
  });
});
