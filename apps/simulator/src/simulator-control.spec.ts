import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startSimulator } from './index.js';
import type { RecordedRequest, Simulator } from './index.js';
import { MAX_RECORDS, RequestLogStore } from './request-log.store.js';

const user = [{ role: 'user' as const, content: 'hi' }];

describe('simulator: keys, recording and the control API', () => {
  let sim: Simulator;
  const openaiFor = (apiKey: string): OpenAI =>
    new OpenAI({ apiKey, baseURL: `${sim.url}/v1`, maxRetries: 0 });
  const chat = (apiKey: string): Promise<OpenAI.ChatCompletion> =>
    openaiFor(apiKey).chat.completions.create({ model: 'sim-gpt', messages: user });
  const control = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${sim.url}/__sim/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterEach(() => sim.reset());
  afterAll(async () => {
    await sim.close();
  });

  it('exposes url and port', () => {
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.port).toBeGreaterThan(0);
  });

  it('answers a missing key with 401', async () => {
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'sim-gpt', messages: user }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('rejects an invalidated key in each provider shape and leaves others alone', async () => {
    sim.invalidateKey('bad');
    const error = await chat('bad').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    await expect(chat('good')).resolves.toBeDefined();

    const anthropic = new Anthropic({ apiKey: 'bad', baseURL: sim.url, maxRetries: 0 });
    const antError = await anthropic.messages
      .create({ model: 'sim-claude', max_tokens: 5, messages: user })
      .catch((e: unknown) => e);
    expect(antError).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((antError as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      error: { type: 'authentication_error' },
    });

    const gemini = await fetch(`${sim.url}/v1beta/models/sim-gemini:generateContent?key=bad`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }),
    });
    expect(gemini.status).toBe(401);
    expect(await gemini.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
  });

  it('applies key behaviors before faults, for `times` requests', async () => {
    sim.setKeyBehavior('limited', { status: 429, retryAfterSeconds: 2, times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = (await openaiFor('limited')
        .chat.completions.create({ model: 'sim-gpt-fault-500', messages: user })
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.headers?.get('retry-after')).toBe('2');
    }
    await expect(chat('limited')).resolves.toMatchObject({ object: 'chat.completion' });

    sim.setKeyBehavior('down', { status: 503 });
    await expect(chat('down')).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(chat('down')).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    sim.setKeyBehavior('down', null);
    await expect(chat('down')).resolves.toBeDefined();
  });

  it('records every provider request in order, with key, model, headers and body', async () => {
    await chat('key-a');
    await chat('key-b');
    await control('GET', 'health');
    await new Anthropic({ apiKey: 'key-c', baseURL: sim.url, maxRetries: 0 }).messages.create({
      model: 'sim-claude',
      max_tokens: 5,
      messages: user,
    });
    const records: RecordedRequest[] = sim.requests;
    expect(records.map((r) => [r.apiKey, r.format, r.model])).toEqual([
      ['key-a', 'openai', 'sim-gpt'],
      ['key-b', 'openai', 'sim-gpt'],
      ['key-c', 'anthropic', 'sim-claude'],
    ]);
    expect(records[0]!.seq).toBeLessThan(records[1]!.seq);
    expect(records[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'sim-gpt', messages: user },
    });
    expect(records[0]!.headers.authorization).toBe('Bearer key-a');
    expect(Object.keys(records[0]!.headers).every((h) => h === h.toLowerCase())).toBe(true);
    expect(Math.abs(records[0]!.time - Date.now())).toBeLessThan(5000);

    sim.clearRequests();
    expect(sim.requests).toHaveLength(0);
  });

  it('serves the same controls over HTTP, unrecorded', async () => {
    expect(await (await control('GET', 'health')).json()).toEqual({ status: 'ok' });

    expect(
      (await control('POST', 'keys', { key: 'http-key', status: 429, retryAfterSeconds: 1, times: 1 }))
        .status,
    ).toBe(200);
    await expect(chat('http-key')).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(chat('http-key')).resolves.toBeDefined();

    await control('POST', 'keys', { key: 'dead', status: 401 });
    await expect(chat('dead')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await control('DELETE', 'keys');
    await expect(chat('dead')).resolves.toBeDefined();

    const listed = (await (await control('GET', 'requests')).json()) as RecordedRequest[];
    expect(listed.map((r) => r.apiKey)).toEqual(['http-key', 'http-key', 'dead', 'dead']);
    expect((await control('DELETE', 'requests')).status).toBe(200);
    expect(await (await control('GET', 'requests')).json()).toEqual([]);

    expect((await control('POST', 'keys', { status: 429 })).status).toBe(400);
    expect((await control('GET', 'nope')).status).toBe(404);
  });

  it('reset() clears records and key behaviors', async () => {
    sim.invalidateKey('x');
    await chat('x').catch(() => undefined);
    sim.reset();
    expect(sim.requests).toHaveLength(0);
    await expect(chat('x')).resolves.toBeDefined();
  });

  it('answers unknown endpoints with 404 in the provider shape', async () => {
    const res = await fetch(`${sim.url}/v1/unknown`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { message: expect.stringContaining('/v1/unknown') } });
  });

  it('answers unparseable JSON with 400', async () => {
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(res.status).toBe(400);
  });

  it('keeps nothing with record:false', async () => {
    const quiet = await startSimulator({ record: false });
    try {
      await new OpenAI({ apiKey: 'k', baseURL: `${quiet.url}/v1`, maxRetries: 0 }).chat.completions.create({
        model: 'sim-gpt',
        messages: user,
      });
      expect(quiet.requests).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it('keeps only the newest records', () => {
    const log = new RequestLogStore();
    const record = (seq: number): RecordedRequest => ({
      seq,
      time: 0,
      method: 'POST',
      path: '/',
      format: 'openai',
      apiKey: null,
      model: null,
      headers: {},
      body: null,
    });
    for (let seq = 1; seq <= MAX_RECORDS + 5; seq++) log.add(record(seq));
    expect(log.records).toHaveLength(MAX_RECORDS);
    expect(log.records[0]!.seq).toBe(6);
  });
});
