import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator } from '../../../../apps/simulator/src/index.js';
import type { ProviderCredentials } from '../provider.port.js';
import { failure, runAdapterContract, type RecordedImage } from '../testing/adapter-contract.js';
import { OpenAICompatibleAdapter } from './openai-compatible.adapter.js';

function recordedImage(body: unknown): RecordedImage | null {
  const messages = (body as { messages?: Array<{ content?: unknown }> }).messages ?? [];
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content as Array<{ type?: string; image_url?: { url?: string } }>) {
      const match = /^data:([^;]+);base64,(.*)$/.exec(part.image_url?.url ?? '');
      if (part.type === 'image_url' && match) return { mimeType: match[1]!, data: match[2]! };
    }
  }
  return null;
}

runAdapterContract({
  name: 'openai-compatible',
  format: 'openai',
  createAdapter: () => new OpenAICompatibleAdapter(),
  startSimulator: () => startSimulator(),
  baseUrl: (url) => `${url}/v1`,
  model: 'sim-gpt',
  recordedImage,
});

describe('OpenAICompatibleAdapter beyond chat', () => {
  let sim: Simulator;
  let creds: ProviderCredentials;
  const sut = new OpenAICompatibleAdapter();
  const opts = { timeoutMs: 5000 };
  const hi = { model: 'sim-gpt', messages: [{ role: 'user' as const, content: 'hi' }] };

  beforeAll(async () => {
    sim = await startSimulator();
    creds = { apiKey: 'sk-openai-extra-0123456789', baseUrl: `${sim.url}/v1` };
  });
  afterAll(async () => {
    await sim.close();
  });

  it('passes the body through untouched and sends the request id', async () => {
    await sut.chat({ ...hi, seed: 7, user: 'u-1' }, creds, { ...opts, requestId: 'req-123' });
    const recorded = sim.requests.at(-1)!;
    expect(recorded.body).toEqual({ ...hi, seed: 7, user: 'u-1' });
    expect(recorded.headers['x-client-request-id']).toBe('req-123');
  });

  it('completes legacy prompts', async () => {
    const result = await sut.completion({ model: 'sim-gpt', prompt: 'say this' }, creds, opts);
    expect(result).toMatchObject({
      object: 'text_completion',
      choices: [{ text: 'echo: say this', finish_reason: 'stop' }],
    });
    expect(result.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('streams legacy completions chunk by chunk, with usage when asked', async () => {
    const chunks = [];
    const body = { model: 'sim-gpt', prompt: 'one two three', stream: true as const };
    for await (const chunk of sut.completionStream(
      { ...body, stream_options: { include_usage: true } },
      creds,
      opts,
    )) {
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.map((c) => c.choices[0]?.text ?? '').join('')).toBe('echo: one two three');
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('embeds as floats and as base64', async () => {
    const floats = await sut.embeddings(
      { model: 'sim-embed', input: ['a', 'b'], dimensions: 8 },
      creds,
      opts,
    );
    expect(floats.object).toBe('list');
    expect(floats.data).toHaveLength(2);
    expect(floats.data[0]?.embedding).toHaveLength(8);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
    const base64 = await sut.embeddings(
      { model: 'sim-embed', input: 'a', dimensions: 8, encoding_format: 'base64' },
      creds,
      opts,
    );
    const encoded = base64.data[0]?.embedding as unknown as string;
    const decoded = Array.from(new Float32Array(new Uint8Array(Buffer.from(encoded, 'base64')).buffer));
    expect(decoded).toEqual(floats.data[0]?.embedding);
  });

  it('pings with a cheap authenticated call, and a bad key fails it as auth', async () => {
    await expect(sut.ping(creds, opts)).resolves.toBeUndefined();
    sim.invalidateKey('sk-revoked-0123456789');
    const error = await failure(() => sut.ping({ ...creds, apiKey: 'sk-revoked-0123456789' }, opts));
    expect(error.kind).toBe('auth');
  });

  it('names the provider given in the options in its errors', async () => {
    const error = await failure(() =>
      sut.chat(hi, creds, { ...opts, provider: 'groq', headers: { 'x-sim-fault': 'status=500' } }),
    );
    expect(error).toMatchObject({ kind: 'server', provider: 'groq' });
    expect(error.message).toMatch(/^groq: /);
  });

  it('speaks the Azure deployment API when the base URL carries an api-version', async () => {
    const azure = { apiKey: 'azure-key-0123456789', baseUrl: `${sim.url}/openai?api-version=2024-10-21` };
    // The simulator has no deployment routes: the 404 proves the request went to Azure's path.
    const error = await failure(() => sut.chat({ ...hi, model: 'gpt-4o' }, azure, opts));
    expect(error.kind).toBe('not_found');
    const recorded = sim.requests.at(-1)!;
    expect(recorded.path).toBe('/openai/deployments/gpt-4o/chat/completions');
    expect(recorded.headers['api-key']).toBe('azure-key-0123456789');
  });
});
