import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppLogger } from '@switchyard/core';
import { ObservabilityLifecycle } from '@switchyard/observability';
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { pino } from 'pino';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { createApiKey } from './support/session.js';

const TOKEN = 'metrics-token-for-the-e2e-test-0123';
const messages = [{ role: 'user' as const, content: 'hello' }];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sum of a family's samples (a counter or gauge's values; a histogram's counts), optionally filtered by labels. */
function total(families: PromFamily[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no metric family ${name}`);
  return family.metrics
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .reduce((sum, m) => sum + Number(m.value ?? m.count ?? 0), 0);
}

/**
 * The `_count` of a labelled histogram, read from the text: the parser folds a histogram's label
 * sets into one sample (it keeps labels for counters and gauges only), so these lines are read here.
 */
function histogramCount(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_count`)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    const found = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

const seriesOf = (families: PromFamily[], name: string) =>
  families.find((f) => f.name === name)?.metrics.length ?? 0;

describe('metrics (GET /metrics, METRICS_PORT)', () => {
  let t: LlmGateway;
  let lastText = '';
  const scrape = async (): Promise<PromFamily[]> => {
    const res = await request(t.gw.url).get('/metrics').auth(TOKEN, { type: 'bearer' }).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    lastText = res.text;
    return parsePrometheusTextFormat(res.text);
  };

  beforeAll(async () => {
    t = await startLlmGateway({
      env: { METRICS_TOKEN: TOKEN, METRICS_PORT: '0', DEFAULT_RPM: '100000', UPSTREAM_MAX_RETRIES: '1' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a scrape without the token (never read as an API key) and answers one with it', async () => {
    await request(t.gw.url)
      .get('/metrics')
      .expect(401)
      .expect('www-authenticate', /Bearer/);
    const wrong = await request(t.gw.url).get('/metrics').auth(t.key, { type: 'bearer' }).expect(401);
    expect(wrong.body.error.code).toBe('invalid_metrics_token');
    const families = await scrape();
    // Node process metrics, and every family of ours, present before any call.
    for (const name of [
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_total_bytes',
      'nodejs_eventloop_lag_seconds',
      'switchyard_cache_lookups_total',
      'switchyard_rate_limited_total',
      'switchyard_reservations_pending',
    ]) {
      expect(families.map((f) => f.name)).toContain(name);
    }
    // The cache recorder's counters exist at 0 until the response cache calls it.
    expect(total(families, 'switchyard_cache_lookups_total', { result: 'hit' })).toBe(0);
    expect(total(families, 'switchyard_cache_lookups_total', { result: 'miss' })).toBe(0);
  });

  it('serves the same exposition on METRICS_PORT without auth, and nothing else there', async () => {
    const url = t.gw.app.get(ObservabilityLifecycle).server?.url;
    expect(url).toBeDefined();
    const res = await request(url!).get('/metrics').expect(200);
    expect(parsePrometheusTextFormat(res.text).map((f) => f.name)).toContain('switchyard_requests_total');
    await request(url!).get('/v1/models').expect(404);
  });

  it('every family moves after calls: requests, latency, TTFT, tokens, credits, ledger batches, errors, failovers, breakers, rate limits', async () => {
    const before = await scrape();
    const beforeText = lastText;
    const stream = await t.client.chat.completions.create({
      model: 'simulator/sim-gpt',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) void chunk;
    await t.client.chat.completions.create({ model: 'simulator/sim-gpt', messages });
    // A provider failure (503, retried once) fails over to the next model.
    await t.client.chat.completions.create({
      model: 'simulator/sim-gpt-fault-503',
      messages,
      // @ts-expect-error Switchyard's ordered fallbacks
      models: ['simulator/sim-gpt-fault-503', 'simulator/sim-gpt'],
    });
    // A key with 1 RPM: the second call is refused.
    const { key } = await createApiKey(t.gw.url, t.member.token, { rpm: 1 });
    await t.clientWith(key).models.list();
    await t
      .clientWith(key)
      .models.list()
      .catch(() => undefined);
    await sleep(50);
    const after = await scrape();
    const afterText = lastText;

    const sim = { provider: 'simulator', model: 'simulator/sim-gpt' };
    const chatRoute = { route: '/v1/chat/completions', ...sim };
    expect(total(after, 'switchyard_requests_total', { ...chatRoute, status: '200' })).toBe(
      total(before, 'switchyard_requests_total', { ...chatRoute, status: '200' }) + 3,
    );
    for (const [name, labels] of [
      ['switchyard_request_duration_seconds', chatRoute],
      ['switchyard_call_duration_seconds', sim],
      ['switchyard_time_to_first_token_seconds', sim],
      ['switchyard_ledger_batch_size', {}],
      ['switchyard_ledger_batch_duration_seconds', {}],
    ] as const) {
      const moved = histogramCount(afterText, name, labels) - histogramCount(beforeText, name, labels);
      expect({ name, labels, moved: moved > 0 }).toEqual({ name, labels, moved: true });
    }
    for (const [name, labels] of [
      ['switchyard_calls_total', { ...sim, endpoint: 'chat.completions', status: 'ok' }],
      ['switchyard_tokens_total', { ...sim, type: 'input' }],
      ['switchyard_tokens_total', { ...sim, type: 'output' }],
      ['switchyard_credits_charged_total', sim],
      ['switchyard_upstream_errors_total', { provider: 'simulator', class: 'server' }],
      ['switchyard_failovers_total', { from_provider: 'simulator', to_provider: 'simulator' }],
      ['switchyard_rate_limited_total', { limit: 'requests' }],
      ['switchyard_requests_total', { route: '/v1/models', status: '429' }],
    ] as const) {
      const moved =
        total(after, name, labels) - (before.some((f) => f.name === name) ? total(before, name, labels) : 0);
      expect({ name, labels, moved: moved > 0 }).toEqual({ name, labels, moved: true });
    }
    // Scrape-time gauges: the breakers this instance used, closed; nothing reserved between calls.
    expect(
      total(after, 'switchyard_circuit_breakers', { provider: 'simulator', state: 'closed' }),
    ).toBeGreaterThan(0);
    expect(total(after, 'switchyard_reservations_pending')).toBe(0);
    expect(after.find((f) => f.name === 'switchyard_provider_keys')).toBeDefined();
    // Labels never carry a user, tenant or key id.
    const text = (await request(t.gw.url).get('/metrics').auth(TOKEN, { type: 'bearer' })).text;
    expect(text).not.toContain(t.member.id);
    const labelNames = new Set(
      text
        .split('\n')
        .filter((l) => l.startsWith('switchyard_'))
        .flatMap((l) => [.../(\w+)="/g[Symbol.matchAll](/\{(.*)\}/.exec(l)?.[1] ?? '')].map((m) => m[1])),
    );
    expect([...labelNames].sort()).toEqual(
      [
        'class',
        'endpoint',
        'from_provider',
        'le',
        'limit',
        'method',
        'model',
        'provider',
        'reason',
        'result',
        'route',
        'state',
        'status',
        'to_provider',
        'type',
      ].filter((n) => labelNames.has(n)),
    );
    expect(labelNames.size).toBeGreaterThan(10);
  });

  it('stays bounded under 1,000 distinct random model names: they are all counted as `other`', async () => {
    const before = await scrape();
    const beforeText = lastText;
    const names = Array.from({ length: 1_000 }, () => `simulator/fuzz-${randomBytes(6).toString('hex')}`);
    const queue = [...names];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let name = queue.pop(); name; name = queue.pop()) {
          await t.client.chat.completions.create({ model: name, messages, max_tokens: 5 });
        }
      }),
    );
    await sleep(50);
    const after = await scrape();
    const text = (await request(t.gw.url).get('/metrics').auth(TOKEN, { type: 'bearer' })).text;
    expect(text).not.toContain('fuzz-');
    expect(total(after, 'switchyard_requests_total', { model: 'other', status: '200' })).toBe(1_000);
    expect(total(after, 'switchyard_calls_total', { model: 'other' })).toBe(1_000);
    for (const family of ['switchyard_requests_total', 'switchyard_calls_total', 'switchyard_tokens_total']) {
      // One new label set (model="other") per family at most (tokens: input, output, cached).
      expect(seriesOf(after, family) - seriesOf(before, family)).toBeLessThanOrEqual(3);
    }
    // The whole exposition grew by a handful of series, not by a thousand.
    const lines = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    expect(lines(text) - lines(beforeText)).toBeLessThan(100);
  }, 120_000);
});

describe('traces (OTLP/HTTP to an in-process receiver)', () => {
  let t: LlmGateway;
  let receiver: OtlpReceiver;
  const lines: string[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    t = await startLlmGateway({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'switchyard-e2e',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
      },
    });
    // Copy what the gateway logs (one JSON line per event) as it goes to stdout.
    const logger = t.gw.app.get(AppLogger).pino as unknown as Record<symbol, { write(s: string): boolean }>;
    const stream = logger[pino.symbols.streamSym]!;
    const write = stream.write.bind(stream);
    stream.write = (s: string) => {
      lines.push(s);
      return write(s);
    };
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('one streamed chat call is one trace: the request span with auth, rate limit, reservation, the upstream attempt (GenAI attributes) and settlement; the trace id is in its log line', async () => {
    const res = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .send({
        model: 'simulator/sim-gpt',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      })
      .expect(200);
    expect(res.text).toContain('data: [DONE]');
    const requestId = res.headers['x-request-id'] as string;

    let root: ReceivedSpan | undefined;
    for (let i = 0; i < 100 && !root; i++) {
      await sleep(100);
      root = receiver.spans.find((s) => s.name === 'POST /v1/chat/completions');
    }
    expect(root).toBeDefined();
    // The default protocol: OTLP/HTTP protobuf.
    expect(receiver.contentTypes[0]).toBe('application/x-protobuf');
    await sleep(300);
    const trace = receiver.spans.filter((s) => s.traceId === root!.traceId);
    expect(root).toMatchObject({
      parentSpanId: '',
      kind: 2, // SERVER
      attributes: expect.objectContaining({
        'http.request.method': 'POST',
        'http.route': '/v1/chat/completions',
        'http.response.status_code': 200,
      }),
      resource: expect.objectContaining({ 'service.name': 'switchyard-e2e' }),
    });
    const child = (name: string) => {
      const span = trace.find((s) => s.name === name);
      expect({ name, found: span !== undefined, parent: span?.parentSpanId }).toEqual({
        name,
        found: true,
        parent: root!.spanId,
      });
      return span!;
    };
    child('switchyard.auth');
    child('switchyard.rate_limit');
    child('switchyard.reservation');
    child('switchyard.settlement');
    const upstream = child('chat sim-gpt');
    expect(upstream.kind).toBe(3); // CLIENT
    expect(upstream.attributes).toMatchObject({
      'gen_ai.system': 'simulator',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'sim-gpt',
      'gen_ai.response.model': 'sim-gpt',
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.usage.output_tokens': expect.any(Number),
    });
    expect(upstream.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);

    const access = lines
      .map((l) => JSON.parse(l) as { msg?: string; trace_id?: string; req?: { id?: string } })
      .find((l) => l.msg === 'request completed' && l.req?.id === requestId);
    expect(access?.trace_id).toBe(root!.traceId);
  });

  it('continues a caller’s W3C traceparent', async () => {
    const traceId = randomBytes(16).toString('hex');
    await request(t.gw.url)
      .get('/v1/models')
      .set('authorization', `Bearer ${t.key}`)
      .set('traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`)
      .expect(200);
    let root: ReceivedSpan | undefined;
    for (let i = 0; i < 50 && !root; i++) {
      await sleep(100);
      root = receiver.spans.find((s) => s.traceId === traceId && s.kind === 2);
    }
    expect(root?.name).toBe('GET /v1/models');
  });
});
