import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatCredits } from '@switchyard/core';
import { UsageRecorder } from '@switchyard/credits';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI, { toFile } from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, seedTenant } from './support/session.js';

type ApiError = InstanceType<typeof OpenAI.APIError>;

/** The simulator's prompt formula for one piece (a system prompt or a message): tokens + 3. */
const piece = (text: string): number => encode(text).length + 3;

describe('pricing: unpriced models, free models, prompt-cache charges (real Postgres)', () => {
  let t: LlmGateway;
  let db: DataSource;

  beforeAll(async () => {
    t = await startLlmGateway({
      env: { SIGNUP_CREDITS: '0' },
      // A local server (Ollama's OpenAI-compatible API), which the shipped catalog marks free.
      simEnv: (url) => ({ OLLAMA_BASE_URL: `${url}/v1` }),
    });
    db = t.gw.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = () => request(t.gw.url);
  async function override(model: string, body: Record<string, unknown>): Promise<void> {
    await admin()
      .put(`/api/v1/models/${model}`)
      .auth(t.adminToken, { type: 'bearer' })
      .send(body)
      .expect(200);
  }
  async function removeOverride(model: string): Promise<void> {
    await admin()
      .delete(`/api/v1/models/${model}/override`)
      .auth(t.adminToken, { type: 'bearer' })
      .expect(204);
  }

  /** A member of a new tenant with `credits` granted (none: an empty balance) and an API key. */
  async function payer(credits?: string) {
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    if (credits) {
      await admin()
        .post('/api/v1/credits/grants')
        .auth(t.adminToken, { type: 'bearer' })
        .set('idempotency-key', randomUUID())
        .send({ user_id: member.id, amount: credits, reason: 'test funding' })
        .expect(201);
    }
    const { key } = await createApiKey(t.gw.url, member.token);
    return { member, client: t.clientWith(key) };
  }

  async function ledgerOf(token: string): Promise<Array<{ kind: string; amount: string }>> {
    const res = await admin().get('/api/v1/credits/ledger').auth(token, { type: 'bearer' }).expect(200);
    return res.body.data as Array<{ kind: string; amount: string }>;
  }

  async function reservationsOf(userId: string): Promise<number> {
    const rows: Array<{ n: string }> = await db.query(
      'SELECT count(*) AS n FROM credit_reservations WHERE user_id = $1',
      [userId],
    );
    return Number(rows[0]!.n);
  }

  async function verifyClean(): Promise<void> {
    const res = await admin()
      .get('/api/v1/credits/verify')
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    expect({ ok: res.body.ok, mismatches: res.body.mismatches }).toEqual({ ok: true, mismatches: [] });
  }

  async function refusal(call: Promise<unknown>): Promise<ApiError> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return error as ApiError;
  }

  function expectNotPriced(error: ApiError, model: string, unpriced: string[]): void {
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.code).toBe('model_not_priced');
    expect(error.param).toBe('model');
    expect(error.message).toContain(`'${model}' has no price for ${unpriced.join(', ')}`);
    expect((error.error as { unpriced?: string[] }).unpriced).toEqual(unpriced);
  }

  describe('a model with no price for what a call uses', () => {
    beforeAll(async () => {
      await override('simulator/sim-gpt-mini', { pricing: { inputPerMTok: '0.10', outputPerMTok: '0' } });
      await override('simulator/sim-embed', { pricing: { inputPerMTok: '0' } });
      await override('simulator/sim-image', { pricing: { perImage: '0' } });
      await override('simulator/sim-tts', { pricing: { perMChars: '0' } });
      await override('simulator/sim-whisper', { pricing: { perAudioMinute: '0' } });
    });
    afterAll(async () => {
      for (const model of ['sim-gpt-mini', 'sim-embed', 'sim-image', 'sim-tts', 'sim-whisper'])
        await removeOverride(`simulator/${model}`);
    });

    it('is refused on every endpoint with 400 model_not_priced, before any reservation or upstream call', async () => {
      const { member, client } = await payer('10');
      const ledgerBefore = await ledgerOf(member.token);
      const upstreamBefore = t.sim.requests.length;
      const chat = { model: 'simulator/sim-gpt-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

      expectNotPriced(await refusal(client.chat.completions.create(chat)), 'simulator/sim-gpt-mini', [
        'output tokens',
      ]);
      expectNotPriced(
        await refusal(client.chat.completions.create({ ...chat, stream: true })),
        'simulator/sim-gpt-mini',
        ['output tokens'],
      );
      expectNotPriced(
        await refusal(client.completions.create({ model: 'simulator/sim-gpt-mini', prompt: 'hi' })),
        'simulator/sim-gpt-mini',
        ['output tokens'],
      );
      // A fallback that is unpriced refuses the call too: it could end up serving it for nothing.
      expectNotPriced(
        await refusal(
          client.chat.completions.create({
            ...chat,
            model: 'simulator/sim-gpt',
            models: ['simulator/sim-gpt', 'simulator/sim-gpt-mini'],
          } as OpenAI.ChatCompletionCreateParamsNonStreaming),
        ),
        'simulator/sim-gpt-mini',
        ['output tokens'],
      );
      expectNotPriced(
        await refusal(client.embeddings.create({ model: 'simulator/sim-embed', input: 'hi' })),
        'simulator/sim-embed',
        ['input tokens'],
      );
      expectNotPriced(
        await refusal(client.images.generate({ model: 'simulator/sim-image', prompt: 'a red kite' })),
        'simulator/sim-image',
        ['images'],
      );
      expectNotPriced(
        await refusal(
          client.audio.speech.create({ model: 'simulator/sim-tts', voice: 'alloy', input: 'hello' }),
        ),
        'simulator/sim-tts',
        ['characters'],
      );
      const wav = await toFile(Buffer.alloc(32_000), 'silence.wav', { type: 'audio/wav' });
      expectNotPriced(
        await refusal(client.audio.transcriptions.create({ model: 'simulator/sim-whisper', file: wav })),
        'simulator/sim-whisper',
        ['audio minutes'],
      );

      // Nothing reached the provider, nothing was reserved, the ledger is as it was.
      expect(t.sim.requests.length).toBe(upstreamBefore);
      expect(await reservationsOf(member.id)).toBe(0);
      expect(await ledgerOf(member.token)).toEqual(ledgerBefore);
      const balance = await admin().get('/api/v1/credits/balance').auth(member.token, { type: 'bearer' });
      expect(balance.body).toMatchObject({ balance: '10', reserved: '0' });
      await verifyClean();
    });

    it('is listed by GET /api/v1/models?unpriced=true with what it has no price for', async () => {
      const res = await admin()
        .get('/api/v1/models')
        .query({ unpriced: 'true' })
        .auth(t.adminToken, { type: 'bearer' })
        .expect(200);
      const gaps = Object.fromEntries(
        (res.body as Array<{ models: Array<{ id: string; unpriced: string[] }> }>).flatMap((p) =>
          p.models.map((m) => [m.id, m.unpriced]),
        ),
      );
      expect(gaps).toEqual({
        'gemini/text-embedding-004': ['input tokens'],
        'simulator/sim-gpt-mini': ['output tokens'],
        'simulator/sim-embed': ['input tokens'],
        'simulator/sim-image': ['images'],
        'simulator/sim-tts': ['characters'],
        'simulator/sim-whisper': ['audio minutes'],
      });
      // Free local servers are not gaps, and neither are the priced models.
      const all = await admin().get('/api/v1/models').auth(t.adminToken, { type: 'bearer' }).expect(200);
      const ollama = (
        all.body as Array<{ id: string; models: Array<{ free: boolean }>; unlisted_models?: object }>
      ).find((p) => p.id === 'ollama')!;
      expect(ollama.models.every((m) => m.free)).toBe(true);
      expect(ollama.unlisted_models).toMatchObject({ free: true, unpriced: [] });
    });
  });

  describe('a model marked free', () => {
    afterAll(async () => {
      await removeOverride('simulator/sim-gpt-mini');
    });

    it('is served and charged 0, with a usage record, even to an empty balance', async () => {
      // Prices of zero are a gap unless the operator says the model is free.
      await override('simulator/sim-gpt-mini', {
        pricing: { inputPerMTok: '0', outputPerMTok: '0' },
        free: true,
      });
      const { member, client } = await payer();
      const { data, response } = await client.chat.completions
        .create({ model: 'simulator/sim-gpt-mini', messages: [{ role: 'user', content: 'free lunch' }] })
        .withResponse();
      expect(data.choices[0]!.message.content).toBe('echo: free lunch');
      expect((data.usage as unknown as { cost: string }).cost).toBe('0');
      expect(response.headers.get('x-switchyard-cost')).toBe('0');
      // The shipped catalog's local servers are free: listed and unlisted models alike.
      for (const model of ['ollama/llama3.2', 'ollama/some-local-model']) {
        const answer = await client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'local' }],
        });
        expect((answer.usage as unknown as { cost: string }).cost).toBe('0');
      }
      expect(await ledgerOf(member.token)).toEqual([]);
      await t.gw.app.get(UsageRecorder).flush();
      const usage = await admin()
        .get('/api/v1/usage')
        .query({ group_by: 'model' })
        .auth(member.token, { type: 'bearer' })
        .expect(200);
      const byModel = Object.fromEntries(
        (
          usage.body.data as Array<{ model: string; requests: number; cost: string; output_tokens: string }>
        ).map((r) => [r.model, r]),
      );
      expect(byModel['simulator/sim-gpt-mini']).toMatchObject({ requests: 1, cost: '0' });
      expect(Number(byModel['simulator/sim-gpt-mini']!.output_tokens)).toBeGreaterThan(0);
      expect(byModel['ollama/llama3.2']).toMatchObject({ requests: 1, cost: '0' });
      await verifyClean();
    });

    it("an override can take a catalog file's free mark away, which makes the model a gap", async () => {
      await override('ollama/llama3.2', { free: false });
      try {
        const { client } = await payer('1');
        expectNotPriced(
          await refusal(
            client.chat.completions.create({
              model: 'ollama/llama3.2',
              messages: [{ role: 'user', content: 'x' }],
            }),
          ),
          'ollama/llama3.2',
          ['input tokens', 'output tokens'],
        );
      } finally {
        await removeOverride('ollama/llama3.2');
      }
    });
  });

  describe('Anthropic prompt caching through the openai SDK', () => {
    // simulator-anthropic/sim-claude: 3 in, 15 out, 0.30 cache reads; writes default to
    // 1.25x input (3.75) for 5 minutes and 2x (6) for an hour. Per million tokens, so
    // tokens × price is micro-credits; in hundredths of a micro-credit to stay integral.
    const IN = 300n;
    const READ = 30n;
    const WRITE_5M = 375n;
    const WRITE_1H = 600n;
    const OUT = 1500n;
    const SYSTEM = 'You are the archivist of the harbour town records, precise and brief.';
    const DOC = 'Record 17: the lighthouse was rebuilt in 1887 after the great storm.';

    const ask = (client: OpenAI, question: string) =>
      client.chat.completions
        .create({
          model: 'simulator-anthropic/sim-claude',
          max_tokens: 4,
          messages: [
            {
              role: 'system',
              content: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral', ttl: '1h' } }],
            },
            {
              role: 'user',
              content: [
                { type: 'text', text: DOC, cache_control: { type: 'ephemeral' } },
                { type: 'text', text: question },
              ],
            },
          ],
        } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .withResponse();

    /** micro-credits = ceil(sum of tokens × price), rounded up once. */
    const micros = (parts: Array<[number, bigint]>): bigint => {
      const hundredths = parts.reduce((sum, [tokens, price]) => sum + BigInt(tokens) * price, 0n);
      return (hundredths + 99n) / 100n;
    };

    it('charges reads and writes at their own rates: the ledger holds exactly the hand-computed amounts', async () => {
      const { member, client } = await payer('10');
      const systemPiece = piece(SYSTEM);
      const out = 4; // the echo is longer than max_tokens

      // 1. Nothing cached yet: the system prompt is written for an hour, the message for 5 minutes.
      const first = await ask(client, 'When was it rebuilt?');
      const message1 = piece(`${DOC} When was it rebuilt?`);
      const cost1 = micros([
        [3, IN],
        [message1, WRITE_5M],
        [systemPiece, WRITE_1H],
        [out, OUT],
      ]);
      expect(first.data.usage).toMatchObject({
        prompt_tokens: 3 + systemPiece + message1,
        completion_tokens: out,
        prompt_tokens_details: {
          cached_tokens: 0,
          cache_write_tokens: systemPiece + message1,
          cache_write_1h_tokens: systemPiece,
        },
        cost: formatCredits(cost1),
      });
      expect(first.response.headers.get('x-switchyard-cost')).toBe(formatCredits(cost1));

      // 2. Another question: the hour-long system prefix is read, the new message written.
      await ask(client, 'Why was it rebuilt?');
      const message2 = piece(`${DOC} Why was it rebuilt?`);
      const cost2 = micros([
        [3, IN],
        [systemPiece, READ],
        [message2, WRITE_5M],
        [out, OUT],
      ]);

      // 3. The same question again: both prefixes are read, nothing is written.
      const third = await ask(client, 'Why was it rebuilt?');
      const cost3 = micros([
        [3, IN],
        [systemPiece + message2, READ],
        [out, OUT],
      ]);
      expect(third.data.usage?.prompt_tokens_details).toEqual({ cached_tokens: systemPiece + message2 });

      const charges = (await ledgerOf(member.token)).filter((e) => e.kind === 'charge').map((e) => e.amount);
      // Newest first.
      expect(charges).toEqual([cost3, cost2, cost1].map((c) => formatCredits(-c)));
      const balance = await admin().get('/api/v1/credits/balance').auth(member.token, { type: 'bearer' });
      expect(balance.body.balance).toBe(formatCredits(10_000_000n - cost1 - cost2 - cost3));
      await verifyClean();
    });
  });
});
