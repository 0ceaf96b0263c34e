import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

type Parts = OpenAI.Chat.Completions.ChatCompletionContentPart[];
const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

async function balanceOf(url: string, token: string): Promise<number> {
  const res = await request(url).get('/api/v1/credits/balance').auth(token, { type: 'bearer' }).expect(200);
  return Number(res.body.balance);
}

function withImage(url: string): OpenAI.Chat.Completions.ChatCompletionMessageParam[] {
  return [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url } },
      ] as Parts,
    },
  ];
}

async function refusal(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  return promise.then(
    () => {
      throw new Error('expected an error');
    },
    (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
  );
}

describe('vision bridge', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({
      env: { VISION_BRIDGE_MODEL: 'simulator/sim-gpt', FETCH_ALLOWLIST: 'localhost' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('describes the image with the bridge model, then asks the text model; both charged', async () => {
    t.sim.clearRequests();
    const before = await balanceOf(t.gw.url, t.member.token);
    const { data, response } = await t.client.chat.completions
      .create({ model: 'simulator/sim-text', messages: withImage(PIXEL) })
      .withResponse();
    const calls = t.sim.requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(calls.map((c) => c.model)).toEqual(['sim-gpt', 'sim-text']);
    expect(JSON.stringify(calls[0]!.body)).toContain('image_url');
    const second = JSON.stringify(calls[1]!.body);
    expect(second).not.toContain('image_url');
    expect(second).toContain('described by simulator/sim-gpt');
    expect(data.choices[0]!.message.content).toContain('described by simulator/sim-gpt');
    expect(response.headers.get('x-switchyard-vision-bridge')).toBe('simulator/sim-gpt');
    const bridgeCost = Number(response.headers.get('x-switchyard-vision-bridge-cost'));
    const mainCost = Number(response.headers.get('x-switchyard-cost'));
    expect(bridgeCost).toBeGreaterThan(0);
    expect(mainCost).toBeGreaterThan(0);
    const after = await balanceOf(t.gw.url, t.member.token);
    expect(before - after).toBeCloseTo(bridgeCost + mainCost, 6);
    // Both calls are in usage: the bridge under its own endpoint and model.
    await t.gw.app.get(UsageRecorder).flush();
    const usage = await request(t.gw.url)
      .get('/api/v1/usage?group_by=endpoint,model')
      .auth(t.member.token, { type: 'bearer' })
      .expect(200);
    const groups = (usage.body.data as Array<{ endpoint: string; model: string }>).map(
      (g) => `${g.endpoint} ${g.model}`,
    );
    expect(groups).toEqual(
      expect.arrayContaining([
        'chat.completions.vision_bridge simulator/sim-gpt',
        'chat.completions simulator/sim-text',
      ]),
    );
  });

  it('describes an image sent more than once once, and charges it once', async () => {
    // A second, different image: a 1x1 PNG of another colour.
    const other =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    t.sim.clearRequests();
    const before = await balanceOf(t.gw.url, t.member.token);
    const image = (url: string) => ({ type: 'image_url', image_url: { url } }) as const;
    const { response } = await t.client.chat.completions
      .create({
        model: 'simulator/sim-text',
        messages: [
          {
            role: 'user',
            content: [{ type: 'text', text: 'Compare:' }, image(PIXEL), image(other), image(PIXEL)] as Parts,
          },
        ],
      })
      .withResponse();
    const calls = t.sim.requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(calls.map((c) => c.model)).toEqual(['sim-gpt', 'sim-gpt', 'sim-text']);
    const last = JSON.stringify(calls[2]!.body);
    for (const k of [1, 2, 3]) expect(last).toContain(`[image ${k}, described by simulator/sim-gpt`);
    const bridgeCost = Number(response.headers.get('x-switchyard-vision-bridge-cost'));
    const mainCost = Number(response.headers.get('x-switchyard-cost'));
    const after = await balanceOf(t.gw.url, t.member.token);
    expect(before - after).toBeCloseTo(bridgeCost + mainCost, 6);
  });

  it('leaves images alone for a model that can see', async () => {
    t.sim.clearRequests();
    await t.client.chat.completions.create({ model: 'simulator/sim-gpt', messages: withImage(PIXEL) });
    expect(t.sim.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1);
  });

  it('refuses data URLs that are not images, with nothing sent upstream', async () => {
    t.sim.clearRequests();
    for (const url of [
      'data:text/plain;base64,aGVsbG8gd29ybGQ=',
      `data:image/png;base64,${Buffer.from('not a png at all').toString('base64')}`,
    ]) {
      for (const model of ['simulator/sim-text', 'simulator/sim-gpt']) {
        const error = await refusal(t.client.chat.completions.create({ model, messages: withImage(url) }));
        expect(error.status).toBe(400);
        expect(error.param).toBe('messages[0].content[1].image_url.url');
      }
    }
    expect(t.sim.requests).toHaveLength(0);
  });

  it('SSRF: refuses image URLs on private addresses and non-https URLs; the allow-list lets a host through', async () => {
    t.sim.clearRequests();
    for (const url of [
      'https://127.0.0.1/cat.png',
      'https://10.1.2.3/cat.png',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/cat.png',
      'http://example.com/cat.png',
      'file:///etc/passwd',
    ]) {
      const error = await refusal(
        t.client.chat.completions.create({ model: 'simulator/sim-text', messages: withImage(url) }),
      );
      expect(error.status).toBe(400);
      expect(error.param).toBe('messages[0].content[1].image_url.url');
    }
    // localhost is allow-listed: the address check passes and the fetch itself fails (no server).
    const allowed = await refusal(
      t.client.chat.completions.create({
        model: 'simulator/sim-text',
        messages: withImage('https://localhost:1/cat.png'),
      }),
    );
    expect(allowed.status).toBe(400);
    expect(allowed.message).not.toMatch(/private/);
    expect(t.sim.requests).toHaveLength(0);
  });
});

describe('without a vision bridge', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses image parts to a text model with a 400 that names a model that can see', async () => {
    const error = await refusal(
      t.client.chat.completions.create({ model: 'simulator/sim-text', messages: withImage(PIXEL) }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/sim-gpt|sim-gemini|sim-claude/);
    expect(t.sim.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(0);
  });
});
