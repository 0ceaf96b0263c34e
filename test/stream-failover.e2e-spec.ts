import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import { UsageRecorder } from '@switchyard/credits';
import { MICROS_PER_CREDIT } from '@switchyard/core';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

const PROMPT = 'please tell me a story about a gateway that never drops a stream it could have finished';
const messages = [{ role: 'user' as const, content: PROMPT }];

/** Streams a call through the SDK and returns its chunks, or the error it ended with. */
async function collect(t: LlmGateway, body: Record<string, unknown>) {
  const chunks: ChatCompletionChunk[] = [];
  let error: unknown;
  let requestId: string | null = null;
  try {
    const { data, response } = await t.client.chat.completions
      .create({ messages, stream: true, stream_options: { include_usage: true }, ...body } as never)
      .withResponse();
    requestId = response.headers.get('x-request-id');
    for await (const chunk of data as unknown as AsyncIterable<ChatCompletionChunk>) chunks.push(chunk);
  } catch (err) {
    error = err;
  }
  const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
  return { chunks, text, error, requestId };
}

/**
 * Mid-stream failover through the official SDK: the simulator cuts a stream after five chunks
 * (`-drop-5`) or stalls it (`-stall-3`), and the next target finishes it inside the same stream.
 */
describe('mid-stream failover', () => {
  let t: LlmGateway;
  let uncut: string;
  beforeAll(async () => {
    t = await startLlmGateway({ env: { STREAM_STALL_TIMEOUT_MS: '400' } });
    const res = await request(t.gw.url)
      .post('/api/v1/routes')
      .auth(t.tenantAdmin.token, { type: 'bearer' })
      .send({
        name: 'resilient',
        strategy: 'fallback',
        targets: [{ model: 'simulator/sim-gpt-drop-5' }, { model: 'simulator/sim-gpt' }],
      });
    expect(res.status).toBe(201);
    uncut = (await t.client.chat.completions.create({ model: 'simulator/sim-gpt', messages })).choices[0]!
      .message.content!;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a route’s stream cut after 5 chunks arrives whole: one id, no repeated text, charged for both parts, logged', async () => {
    const { chunks, text, error, requestId } = await collect(t, { model: 'resilient' });
    expect(error).toBeUndefined();
    expect(text).toBe(uncut);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(new Set(chunks.map((c) => c.model)).size).toBe(1);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason === 'stop')).toHaveLength(1);
    const usage = chunks.at(-1)!.usage as unknown as {
      prompt_tokens: number;
      completion_tokens: number;
      cost: string;
    };
    // Two usage records under the request id, and usage.cost is their sum.
    await t.gw.app.get(UsageRecorder).flush();
    type UsageRow = {
      model: string;
      cost: string;
      status: string;
      input_tokens: number;
      output_tokens: number;
    };
    const rows = await t.gw.app
      .get(DataSource)
      .query<UsageRow[]>(
        'SELECT model, cost, status, input_tokens, output_tokens FROM usage_records WHERE request_id = $1 ORDER BY id',
        [requestId],
      );
    expect(rows.map((r) => r.model)).toEqual(['simulator/sim-gpt-drop-5', 'simulator/sim-gpt']);
    const sum = rows.reduce((n, r) => n + BigInt(r.cost), 0n);
    expect(sum).toBeGreaterThan(0n);
    expect(Number(usage.cost) * Number(MICROS_PER_CREDIT)).toBeCloseTo(Number(sum), 0);
    expect(usage.prompt_tokens).toBe(rows[0]!.input_tokens + rows[1]!.input_tokens);
    expect(usage.completion_tokens).toBe(rows[0]!.output_tokens + rows[1]!.output_tokens);
    // The ledger still balances.
    const verify = await request(t.gw.url)
      .get('/api/v1/credits/verify')
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    expect(verify.body.ok).toBe(true);
    // One FAILOVER entry naming both targets, marked mid-stream.
    await t.gw.app.get(ActivityLogService).flush();
    const log = await request(t.gw.url)
      .get('/api/v1/activity-logs')
      .query({ action: 'FAILOVER' })
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    const entry = (log.body.data as Array<{ request_id: string; metadata: Record<string, unknown> }>).find(
      (e) => e.request_id === requestId,
    );
    expect(entry?.metadata).toMatchObject({
      from: 'simulator/sim-gpt-drop-5',
      to: 'simulator/sim-gpt',
      mid_stream: true,
    });
  });

  it('a plain model list ends with the error event unless the call asks for stream_failover', async () => {
    const models = ['simulator/sim-gpt-drop-5', 'simulator/sim-gpt'];
    const plain = await collect(t, { model: models[0], models });
    expect(plain.error).toBeDefined();
    expect(plain.text.length).toBeGreaterThan(0);
    expect(uncut.startsWith(plain.text)).toBe(true);
    const opted = await collect(t, { model: models[0], models, stream_failover: true });
    expect(opted.error).toBeUndefined();
    expect(opted.text).toBe(uncut);
  });

  it('a stream that stalls (no chunk for STREAM_STALL_TIMEOUT_MS) is finished elsewhere', async () => {
    const models = ['simulator/sim-gpt-stall-3', 'simulator/sim-gpt'];
    const started = Date.now();
    const result = await collect(t, { model: models[0], models, stream_failover: true });
    expect(result.error).toBeUndefined();
    expect(result.text).toBe(uncut);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('continues across wire formats: an Anthropic stream cut mid-way is finished by a Gemini model', async () => {
    const models = ['simulator-anthropic/sim-claude-drop-5', 'simulator-gemini/sim-gemini'];
    const result = await collect(t, { model: models[0], models, stream_failover: true });
    expect(result.error).toBeUndefined();
    expect(result.text).toBe(uncut);
    expect(new Set(result.chunks.map((c) => c.id)).size).toBe(1);
  });

  it('a tool call in flight is not continued: the stream ends with the error event', async () => {
    const result = await collect(t, {
      model: 'resilient',
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup',
            description: 'look something up',
            parameters: {
              type: 'object',
              properties: { query: { type: 'string' }, a: { type: 'string' }, b: { type: 'string' } },
              required: ['query', 'a', 'b'],
            },
          },
        },
      ],
    });
    expect(result.error).toBeDefined();
  });
});
