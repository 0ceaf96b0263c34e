import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toFile } from 'openai';
import request from 'supertest';
import { loadConfig } from '@switchyard/core';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

/**
 * MAX_BODY_BYTES_IN_FLIGHT (issue 20, memory): the /v1 body bytes one instance holds at once.
 * Here 1 MiB JSON bodies, 1 MiB uploads (so one request carries at most 2 MiB) and a budget of
 * 2.5 MiB: two big bodies being sent fill it, the third is refused before its body is read, in
 * the caller's dialect, and changes nothing; small calls still fit, and the budget comes back
 * when the big requests end, whether they finish or their client goes away.
 */
const MiB = 1024 * 1024;
const BIG = 1_000_000;

describe('request-body bytes in flight (real HTTP)', () => {
  let t: LlmGateway;
  let host: string;
  let port: number;
  // Serves a 450,000-byte PNG for the vision bridge to fetch: it holds ~1,050,000 bytes (the
  // bytes and their data URL), which fit beside one big body but not beside two.
  // /slow.png sends its headers and first bytes, and the rest only when `finishSlow` is called.
  let finishSlow: () => void = () => undefined;
  const images = http.createServer((req, res) => {
    const png = Buffer.alloc(450_000);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
    if (req.url !== '/slow.png') return void res.end(png);
    res.write(png.subarray(0, 1000));
    finishSlow = () => res.end(png.subarray(1000));
  });
  let imageUrl: string;
  beforeAll(async () => {
    await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
    imageUrl = `${origin}/big.png`;
    t = await startLlmGateway({
      env: {
        MAX_BODY_BYTES: String(MiB),
        MAX_FILE_BYTES: String(MiB),
        MAX_BODY_BYTES_IN_FLIGHT: String(2.5 * MiB),
        VISION_BRIDGE_MODEL: 'simulator/sim-gpt',
        OUTBOUND_ALLOWLIST: origin,
      },
    });
    const url = new URL(t.gw.url);
    host = url.hostname;
    port = Number(url.port);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => images.close(r));
  });

  /** A chat whose prompt pads its JSON body to exactly `bytes`. */
  const chatBody = (bytes: number): string => {
    const empty = JSON.stringify({
      model: 'simulator/sim-gpt',
      max_tokens: 4,
      messages: [{ role: 'user', content: '' }],
    });
    return JSON.stringify({
      model: 'simulator/sim-gpt',
      max_tokens: 4,
      messages: [{ role: 'user', content: 'x'.repeat(bytes - empty.length) }],
    });
  };

  /** A request that declares `length` bytes and sends only its first `sent`: it stays in flight. */
  const started = (path: string, length: number, sent: string) => {
    const req = http.request({
      host,
      port,
      path,
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': String(length),
        authorization: `Bearer ${t.key}`,
      },
    });
    const answer = new Promise<{ status: number; body: string } | 'gone'>((resolve) => {
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', () => resolve('gone'));
    });
    req.write(sent);
    return { req, answer };
  };

  /** Waits until the gateway has taken both requests' headers (their budget is counted then). */
  const settle = () => new Promise((r) => setTimeout(r, 300));

  const balance = async () =>
    (
      await request(t.gw.url)
        .get('/api/v1/credits/balance')
        .auth(t.member.token, { type: 'bearer' })
        .expect(200)
    ).body.balance as string;
  it('refuses a body past the budget before reading it, in each dialect, and takes it back after', async () => {
    const body = chatBody(BIG);
    const a = started('/v1/chat/completions', BIG, body.slice(0, 1000));
    const b = started('/v1/chat/completions', BIG, body.slice(0, 1000));
    await settle();
    const before = await balance();

    // The third big body: 503 + Retry-After in OpenAI's envelope, its body never read.
    const c = started('/v1/chat/completions', BIG, '');
    const refused = await c.answer;
    c.req.destroy();
    expect(refused).not.toBe('gone');
    const r = refused as { status: number; body: string };
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toEqual({
      error: {
        message: 'The gateway is holding as many request bytes as it may; retry shortly.',
        type: 'server_error',
        code: 'server_busy',
        param: null,
      },
    });

    // The same through the OpenAI SDK: a 503 it sees as an APIError with the code.
    const sdk = t.clientWith(t.key);
    const err = await sdk.chat.completions.create(JSON.parse(chatBody(BIG))).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: 'server_busy' });

    // Anthropic's dialect: its overloaded error (529), which its clients back off from.
    const messages = await request(t.gw.url)
      .post('/v1/messages')
      .set('x-api-key', t.key)
      .send(JSON.parse(chatBody(BIG)));
    expect(messages.status).toBe(529);
    expect(messages.headers['retry-after']).toBe('1');
    expect(messages.body).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });

    // The refusals changed nothing: not a micro-credit held or charged.
    expect(await balance()).toBe(before);

    // A small call still fits beside the two.
    const small = await sdk.chat.completions.create({
      model: 'simulator/sim-gpt',
      max_tokens: 4,
      messages: [{ role: 'user', content: 'small' }],
    });
    expect(small.choices[0]?.message.content).toBeTruthy();

    // One big request finishes (answered and paid), the other's client goes away.
    a.req.end(body.slice(1000));
    const done = await a.answer;
    expect(done !== 'gone' && done.status).toBe(200);
    b.req.destroy();
    await b.answer;
    await settle();

    // Both gave their bytes back: two big bodies fit again.
    const [x, y] = await Promise.all([
      sdk.chat.completions.create(JSON.parse(chatBody(BIG))),
      sdk.chat.completions.create(JSON.parse(chatBody(BIG))),
    ]);
    expect(x.choices[0]?.message.content).toBeTruthy();
    expect(y.choices[0]?.message.content).toBeTruthy();
  });

  /** A chat whose one user message is these parts. */
  const chatParts = (model: string, content: unknown[]) =>
    request(t.gw.url)
      .post('/v1/chat/completions')
      .auth(t.key, { type: 'bearer' })
      .send({ model, max_tokens: 4, messages: [{ role: 'user', content }] });

  /**
   * A call that holds bytes besides its body: beside two big bodies it is a 503 with Retry-After,
   * nothing called or charged; beside one it is served, twice in a row (the first gave its bytes
   * back).
   */
  const refusedThenServed = async (
    call: () => Promise<request.Response>,
    served: (res: request.Response) => void,
  ) => {
    const body = chatBody(BIG);
    const a = started('/v1/chat/completions', BIG, body.slice(0, 1000));
    const b = started('/v1/chat/completions', BIG, body.slice(0, 1000));
    await settle();
    const before = await balance();
    t.sim.clearRequests();
    const refused = await call();
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toMatchObject({ error: { type: 'server_error', code: 'server_busy' } });
    expect(t.sim.requests).toHaveLength(0);
    expect(await balance()).toBe(before);
    b.req.destroy();
    await b.answer;
    await settle();
    for (let i = 0; i < 2; i++) served(await call());
    a.req.destroy();
    await a.answer;
  };

  it('counts an image the vision bridge fetched until it is described: 503 past the bound, nothing charged, and given back', async () => {
    await refusedThenServed(
      () =>
        chatParts('simulator/sim-text', [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: imageUrl } },
        ]),
      (res) => {
        expect(res.status).toBe(200);
        expect(res.headers['x-switchyard-vision-bridge']).toBe('simulator/sim-gpt');
      },
    );
  });

  it('counts a fetched image from its Content-Length, before its body is read', async () => {
    const a = started('/v1/chat/completions', BIG, chatBody(BIG).slice(0, 1000));
    await settle();
    // The image's headers are in, its body is not: its ~1,050,000 bytes already count.
    const bridged = chatParts('simulator/sim-text', [
      { type: 'image_url', image_url: { url: imageUrl.replace('big', 'slow') } },
    ]).then((res) => res);
    await settle();
    const b = started('/v1/chat/completions', BIG, '');
    const refused = await b.answer;
    b.req.destroy();
    expect(refused !== 'gone' && refused.status).toBe(503);
    finishSlow();
    expect((await bridged).status).toBe(200);
    a.req.destroy();
    await a.answer;
  });

  it('counts the stored files a chat names while its call runs: 503 past the bound, nothing charged', async () => {
    const notes = await t.client.files.create({
      file: await toFile(Buffer.from('note '.repeat(180_000)), 'notes.txt'),
      purpose: 'user_data',
    });
    // 900,000 bytes of text: past the 2.5 MiB bound beside two big bodies, not beside one.
    await refusedThenServed(
      () => chatParts('simulator/sim-gpt', [{ type: 'file', file: { file_id: notes.id } }]),
      (res) => expect(res.status).toBe(200),
    );
  });

  it('counts a chunked body (no Content-Length) as the largest a request may carry', async () => {
    const a = started('/v1/chat/completions', BIG, chatBody(BIG).slice(0, 1000));
    await settle();
    // 1 MB counted, 1.5 MiB left: a chunked body counts 2 MiB and does not fit.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host,
          port,
          path: '/v1/chat/completions',
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"model":');
    });
    expect(chunked).toBe(503);
    a.req.destroy();
    await a.answer;
  });

  it('refuses a budget smaller than one request may need, at start', async () => {
    expect(() =>
      loadConfig({
        MAX_BODY_BYTES: String(MiB),
        MAX_FILE_BYTES: String(MiB),
        MAX_BODY_BYTES_IN_FLIGHT: String(MiB),
      }),
    ).toThrow(/MAX_BODY_BYTES_IN_FLIGHT must be 0 \(no bound\) or at least 2097152/);
    expect(() => loadConfig({ MAX_BODY_BYTES_IN_FLIGHT: '0' })).not.toThrow();
  });
});
