import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import { UsageRecorder, verifyLedger } from '@switchyard/credits';
import fc from 'fast-check';
import pg from 'pg';
import request from 'supertest';
import {
  CONTENT_TYPES,
  GARBAGE_BODIES,
  INVALID_UTF8,
  closeAgent,
  multipart,
  mutate,
  mutation,
  nastyString,
  nastyValue,
  pathValue,
  queryString,
  routesOf,
  seedFor,
  send,
  toJsonText,
  withInvalidUtf8,
  type MultipartPart,
  type OpenApiDocument,
  type RawResponse,
  type Route,
} from './support/fuzz.js';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, login, seedUser, unique, type SeededUser } from './support/session.js';
import { TEST_ADMIN } from './support/test-gateway.js';

/**
 * A property-based fuzz of every route of the running gateway: hostile bodies, path parameters
 * and query strings, sent as a platform admin, a tenant admin, a member (JWT) and with an API
 * key, against the real Postgres and the provider simulator.
 *
 * Each case asserts:
 * - never a 5xx;
 * - a 4xx is always the OpenAI envelope `{"error":{"message","type","code","param"}}`;
 * - nothing was written. The database is fingerprinted before and after each case. A GET never
 *   writes. A refused request (4xx) writes nothing, with one exception: a model call refused
 *   after its reservation (by the provider, or by the adapter's mapping to the provider's wire
 *   format) leaves the trail of that attempt: a released reservation (a hold taken and given
 *   back, no ledger entry; decision 0024), a usage record and activity entries. Balances never
 *   move, and no ledger entry appears.
 *   Failed logins are audited by design (LOGIN_FAILED). A 2xx answer to POST, PUT, PATCH or
 *   DELETE is a valid write, by design excluded: a mutation of a valid body can stay valid
 *   (replacing a string with another string), and refusing to generate those would leave the
 *   valid edges of every field untested. So is a 2xx model call on any method (its answer names
 *   the model in x-switchyard-model, e.g. a compat GET that asks a question): it is paid for.
 *   Those writes only touch resources the test made for the fuzz (a victim tenant, user, API
 *   key, provider key, file and model) and the callers' credits, never the callers themselves.
 * - after the run, every balance equals the sum of its ledger entries (the credits verifier).
 *
 * Seeded: FUZZ_SEED and FUZZ_RUNS override the seed and the case count; a failure prints both.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 13_2026);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3_000);

type CallerName = 'platform_admin' | 'tenant_admin' | 'member' | 'api_key';
const CALLERS: readonly CallerName[] = ['platform_admin', 'tenant_admin', 'member', 'api_key'];

/** Columns that change without a request writing anything the caller sent. */
const VOLATILE: Record<string, string[]> = {
  // Written in batches for every authenticated call, refused or not.
  api_keys: ['last_used_at'],
  // Moved by a hold and its release together, which nets to zero.
  credit_accounts: ['updated_at'],
  credit_key_spend: ['updated_at'],
  // Key health: failover state of a call that reached the provider (the trail, below).
  provider_keys: [
    'status',
    'cooldown_until',
    'failure_count',
    'total_failures',
    'last_error',
    'last_failure_at',
    'last_used_at',
    'selected',
    'updated_at',
  ],
};
/** What a request may write. `data` never moves on a refused request; `trail` only when the provider was called. */
const DATA_TABLES = [
  'tenants',
  'users',
  'api_keys',
  'refresh_tokens',
  'provider_keys',
  'files',
  'settings',
  'model_overrides',
  'credit_accounts',
  'credit_key_spend',
  'credit_tenant_settings',
];
/** Provider key health (VOLATILE above) is left out: timers and failover write it, not the request's input. */
const TRAIL_TABLES = ['credit_ledger', 'credit_reservations', 'usage_records', 'activity_logs'];

/** Refusals the audit trail records by design: a failed login is an event an operator must see. */
const AUDITED_REFUSALS: Record<string, string> = { activity_logs: "t.action <> 'LOGIN_FAILED'" };

function digestSql(table: string, exclude: string[], where = 'true'): string {
  const row = exclude.reduce((acc, col) => `${acc} - '${col}'`, 'to_jsonb(t)');
  return `(SELECT count(*)::text || ':' || coalesce(md5(string_agg(x, '|' ORDER BY x)), '') FROM (SELECT (${row})::text AS x FROM "${table}" t WHERE ${where}) s)`;
}
const FINGERPRINT_SQL = `SELECT ${[
  ...DATA_TABLES.map((t) => `${digestSql(t, VOLATILE[t] ?? [])} AS "data.${t}"`),
  ...TRAIL_TABLES.map((t) => `${digestSql(t, [], AUDITED_REFUSALS[t])} AS "trail.${t}"`),
].join(', ')}`;

type Fingerprint = Record<string, string>;

function changed(before: Fingerprint, after: Fingerprint, prefix: string): string[] {
  return Object.keys(before).filter((k) => k.startsWith(prefix) && before[k] !== after[k]);
}

/**
 * What is wrong with a 4xx body, or null when it is the dialect's error shape: Anthropic's
 * `{"type":"error","error":{"type","message"},"request_id"}` on /v1/messages, else the OpenAI
 * envelope.
 */
function envelopeProblem(res: RawResponse, url: string): string | null {
  if (!res.contentType.includes('application/json')) return `content-type ${res.contentType || 'none'}`;
  if (url.startsWith('/v1/messages')) return anthropicErrorProblem(res.json);
  const body = res.json as { error?: Record<string, unknown> } | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body is not a JSON object';
  if (Object.keys(body).join(',') !== 'error') return `top-level keys ${Object.keys(body).join(',')}`;
  const e = body.error;
  if (typeof e !== 'object' || e === null) return 'error is not an object';
  if (typeof e.message !== 'string' || e.message === '') return 'error.message missing';
  if (typeof e.type !== 'string' || e.type === '') return 'error.type missing';
  if (!('code' in e) || (e.code !== null && typeof e.code !== 'string')) return 'error.code missing';
  if (!('param' in e) || (e.param !== null && typeof e.param !== 'string')) return 'error.param missing';
  return null;
}

/** What is wrong with an Anthropic error body, or null. */
function anthropicErrorProblem(json: unknown): string | null {
  const body = json as {
    type?: unknown;
    error?: { type?: unknown; message?: unknown };
    request_id?: unknown;
  };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body is not a JSON object';
  if (body.type !== 'error') return 'type is not "error"';
  if (typeof body.error?.type !== 'string' || body.error.type === '') return 'error.type missing';
  if (typeof body.error.message !== 'string' || body.error.message === '') return 'error.message missing';
  if (typeof body.request_id !== 'string') return 'request_id missing';
  return null;
}

/** One generated request. */
interface FuzzCase {
  caller: CallerName;
  method: string;
  /** The route as documented, for reports. */
  route: string;
  /** Path and query as sent. */
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

function describeCase(c: FuzzCase): string {
  const body =
    c.body === undefined
      ? ''
      : ` body(${c.headers['content-type'] ?? '-'})=${JSON.stringify(
          Buffer.isBuffer(c.body) ? c.body.toString('latin1') : c.body,
        ).slice(0, 400)}`;
  return `${c.caller} ${c.method} ${c.url.slice(0, 300)}${body}`;
}

/** Routes the /v1 surface must have, whether or not the OpenAPI document lists them. */
const V1_ROUTES: readonly [string, string][] = [
  ['POST', '/v1/chat/completions'],
  ['POST', '/v1/completions'],
  ['POST', '/v1/embeddings'],
  ['POST', '/v1/images/generations'],
  ['GET', '/v1/images/{file}'],
  ['POST', '/v1/audio/speech'],
  ['POST', '/v1/audio/transcriptions'],
  ['GET', '/v1/models'],
  ['GET', '/v1/models/{model}'],
  ['POST', '/v1/files'],
  ['GET', '/v1/files'],
  ['GET', '/v1/files/{id}'],
  ['DELETE', '/v1/files/{id}'],
  ['GET', '/v1/files/{id}/content'],
];

const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Valid /v1 bodies to mutate (their OpenAPI schema is only `object`). */
function v1Seeds(fileId: string): Record<string, unknown[]> {
  const weather = {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  };
  return {
    '/v1/chat/completions': [
      {
        model: 'simulator/sim-gpt',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
        ],
        max_tokens: 16,
        temperature: 0.5,
        top_p: 1,
        n: 1,
        stop: ['\n\n'],
        seed: 7,
        user: 'u-1',
      },
      {
        model: 'simulator-anthropic/sim-claude',
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
        tools: [weather],
        tool_choice: 'auto',
        max_completion_tokens: 32,
      },
      {
        model: 'simulator-gemini/sim-gemini',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: PIXEL, detail: 'low' } },
            ],
          },
        ],
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      },
      {
        model: 'simulator/sim-gpt',
        models: ['simulator/sim-gpt', 'simulator-gemini/sim-gemini'],
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: fileId } }] }],
        presence_penalty: 0,
        frequency_penalty: 0,
      },
    ],
    '/v1/completions': [
      { model: 'simulator/sim-text', prompt: 'Say hi', max_tokens: 5, n: 1, temperature: 1, stop: 'x' },
      {
        model: 'simulator/sim-text',
        prompt: [[1, 2, 3]],
        stream: true,
        stream_options: { include_usage: true },
      },
    ],
    '/v1/embeddings': [
      { model: 'simulator/sim-embed', input: ['a', 'b'], dimensions: 8, encoding_format: 'float', user: 'u' },
      { model: 'simulator-gemini/sim-gemini-embed', input: [[1, 2], [3]], encoding_format: 'base64' },
    ],
    '/v1/images/generations': [
      {
        model: 'simulator/sim-image',
        prompt: 'a lighthouse',
        n: 1,
        size: '256x256',
        response_format: 'b64_json',
      },
      {
        model: 'simulator/sim-image',
        prompt: 'a cat',
        quality: 'standard',
        style: 'vivid',
        response_format: 'url',
      },
    ],
    '/v1/audio/speech': [
      { model: 'simulator/sim-tts', input: 'Hello', voice: 'alloy', response_format: 'wav', speed: 1 },
    ],
  };
}

/** A RIFF/WAVE header and a little silence: enough for the transcription route to read. */
function wav(): Buffer {
  const data = Buffer.alloc(1_600);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8_000, 24);
  header.writeUInt32LE(16_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Multipart routes: their valid fields, to mutate. */
const MULTIPART: Record<string, { fields: Record<string, string>; file: () => Buffer; filename: string }> = {
  '/v1/files': {
    fields: { purpose: 'assistants' },
    file: () => Buffer.from('hello fuzz'),
    filename: 'a.txt',
  },
  '/v1/audio/transcriptions': {
    fields: { model: 'simulator/sim-whisper', response_format: 'json', language: 'en', temperature: '0' },
    file: wav,
    filename: 'a.wav',
  },
};

/** Header values HTTP can carry: printable ASCII and Latin-1 bytes. */
const headerValue = fc.oneof(
  fc.uuid(),
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0xff }).map((n) => String.fromCharCode(n)),
    maxLength: 300,
  }),
  fc.constantFrom('', ' ', 'x'.repeat(4_000), '9223372036854775808', '../', '%00', 'sk-sy-' + 'A'.repeat(51)),
);

describe('route fuzz', () => {
  let t: LlmGateway;
  let db: pg.Client;
  let routes: Route[];
  let victim: SeededUser;
  const tokens = {} as Record<CallerName, string>;
  const credentials = {} as Record<Exclude<CallerName, 'api_key'>, { email: string; password: string }>;
  const known: Record<string, string[]> = {};
  let uuids: string[] = [];
  let seeds: Record<string, unknown[]> = {};

  beforeAll(async () => {
    t = await startLlmGateway({ env: { DEFAULT_RPM: '10000000' } });
    const api = () => request(t.gw.url);
    await api()
      .post('/api/v1/credits/grants')
      .auth(t.adminToken, { type: 'bearer' })
      .set('idempotency-key', randomUUID())
      .send({ user_id: t.member.id, amount: '1000', reason: 'fuzz funding' })
      .expect(201);
    credentials.platform_admin = TEST_ADMIN;
    credentials.tenant_admin = t.tenantAdmin;
    credentials.member = t.member;
    tokens.platform_admin = t.adminToken;
    tokens.tenant_admin = t.tenantAdmin.token;
    tokens.member = t.member.token;
    tokens.api_key = t.key;

    // Victims: what a valid write may change. The callers' own user, tenant and key are never
    // in the pools, so a valid DELETE or disable cannot cut the run short.
    const tenant = await api()
      .post('/api/v1/tenants')
      .auth(t.adminToken, { type: 'bearer' })
      .send({ name: unique('victim') })
      .expect(201);
    victim = await seedUser(t.gw.url, t.adminToken, t.member.tenantId, 'member');
    const key = await createApiKey(t.gw.url, victim.token);
    const providerKey = await api()
      .post('/api/v1/provider-keys')
      .auth(t.adminToken, { type: 'bearer' })
      .send({ provider: 'simulator', key: 'sk-sim-victim-0001', name: 'victim' })
      .expect(201);
    const file = await api()
      .post('/v1/files')
      .auth(t.key, { type: 'bearer' })
      .field('purpose', 'assistants')
      .attach('file', Buffer.from('a file the fuzz may read'), 'victim.txt')
      .expect(200);
    // Credit accounts are made on first use, with the signup credits (docs/credits.md): touch
    // every account the fuzz can reach, so that an account appearing later is a request's doing.
    for (const token of [t.adminToken, t.tenantAdmin.token, t.member.token, victim.token]) {
      await api().get('/api/v1/credits/balance').auth(token, { type: 'bearer' }).expect(200);
    }
    for (const tenantId of [t.member.tenantId, tenant.body.id as string]) {
      await api()
        .post('/api/v1/credits/grants')
        .auth(t.adminToken, { type: 'bearer' })
        .set('idempotency-key', randomUUID())
        .send({ tenant_pool: true, tenant_id: tenantId, amount: '10', reason: 'fuzz pool' })
        .expect(201);
    }
    const ids = [
      victim.id,
      tenant.body.id as string,
      key.id,
      providerKey.body.id as string,
      file.body.id as string,
    ];
    uuids = ids.slice(0, 4);
    known.id = ids;
    known.provider = ['simulator', 'simulator-gemini'];
    known.model = ['sim-gpt-mini', 'simulator/sim-gpt', 'sim-embed'];
    known.file = ['img_0.png', 'x.png'];
    seeds = v1Seeds(file.body.id as string);

    const doc = (await api().get('/docs-json').expect(200)).body as OpenApiDocument;
    routes = routesOf(doc);
    for (const [method, path] of V1_ROUTES) {
      if (!routes.some((r) => r.method === method && r.path === path)) {
        routes.push({
          method,
          path,
          pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
          queryParams: [],
          headerParams: [],
        });
      }
    }

    db = new pg.Client({ connectionString: t.gw.databaseUrl });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    closeAgent();
    await db?.end();
    await t?.close();
  });

  /** Valid query values by name, so that one bad parameter is the only bad one. */
  const validQuery = (): Record<string, string> => ({
    limit: '5',
    offset: '0',
    user_id: victim.id,
    tenant_id: uuids[1]!,
    from: '2020-01-01T00:00:00Z',
    to: '2040-01-01T00:00:00Z',
    kind: 'grant',
    group_by: 'day',
    order: 'asc',
    purpose: 'assistants',
  });

  /** The generator of one request to `route`. */
  function caseFor(route: Route): fc.Arbitrary<FuzzCase> {
    const path = fc
      .tuple(...route.pathParams.map((name) => pathValue(known[name] ?? ['x'])))
      .map((values) => {
        let i = 0;
        return route.path.replace(/\{\w+\}/g, () => values[i++]!);
      });
    const query = fc.oneof(
      { weight: route.method === 'GET' ? 1 : 4, arbitrary: fc.constant('') },
      { weight: route.method === 'GET' ? 4 : 1, arbitrary: queryString(route.queryParams, validQuery()) },
    );
    const jsonSeeds =
      seeds[route.path] ??
      (route.bodySchema
        ? [
            seedFor(route.bodySchema, uuids, {
              provider: 'simulator',
              tenant_id: uuids[1],
              user_id: victim.id,
              // Never a real URL: a valid key pointing elsewhere would fail every later call upstream.
              base_url: undefined,
              content: 'sk-sim-fuzz-1\n',
            }),
          ]
        : undefined);
    const multi = MULTIPART[route.path];
    let body: fc.Arbitrary<{ body?: string | Buffer; contentType?: string }>;
    if (multi && route.method === 'POST') {
      body = multipartBody(multi);
    } else if (jsonSeeds) {
      const mutated = fc
        .tuple(fc.constantFrom(...jsonSeeds), fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([seed, ms]) => ({ body: toJsonText(mutate(seed, ms)), contentType: 'application/json' }));
      body = fc.oneof(
        { weight: 12, arbitrary: mutated },
        {
          weight: 1,
          arbitrary: fc
            .tuple(mutated, fc.constantFrom(...INVALID_UTF8))
            .map(([m, bytes]) => ({ body: withInvalidUtf8(m.body, bytes), contentType: 'application/json' })),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...GARBAGE_BODIES)
            .map((b) => ({ body: b, contentType: 'application/json' })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.constantFrom(...jsonSeeds), fc.constantFrom(...CONTENT_TYPES))
            .map(([seed, contentType]) => ({ body: toJsonText(seed), contentType })),
        },
      );
    } else {
      body = fc.oneof(
        { weight: 6, arbitrary: fc.constant({}) },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...GARBAGE_BODIES)
            .map((b) => ({ body: b, contentType: 'application/json' })),
        },
        {
          weight: 1,
          arbitrary: nastyValue.map((v) => ({ body: toJsonText(v), contentType: 'application/json' })),
        },
      );
    }
    // A bring-your-own key makes every provider usable for the call: only where the seeds name a
    // simulator model (/v1), or a real provider, unreachable from the test, would answer 502.
    const extraHeaders = fc.record(
      {
        'idempotency-key': headerValue,
        'x-request-id': headerValue,
        ...(route.path.startsWith('/v1/') ? { 'x-provider-key': headerValue } : {}),
      },
      { requiredKeys: [] },
    );
    const callers = route.path.startsWith('/v1')
      ? fc.constantFrom<CallerName>('api_key', 'api_key', ...CALLERS)
      : fc.constantFrom<CallerName>(...CALLERS, 'platform_admin');
    return fc
      .record({ caller: callers, path, query, body, extraHeaders, validIdempotency: fc.boolean() })
      .map(({ caller, path: p, query: q, body: b, extraHeaders: extra, validIdempotency }): FuzzCase => {
        const headers: Record<string, string> = { authorization: `Bearer ${tokens[caller]}`, ...extra };
        if (route.headerParams.length > 0 && validIdempotency) headers['idempotency-key'] = randomUUID();
        if (b.contentType !== undefined) headers['content-type'] = b.contentType;
        return {
          caller,
          method: route.method,
          route: `${route.method} ${route.path}`,
          url: p + q,
          headers,
          body: b.body,
        };
      });
  }

  function multipartBody(
    spec: (typeof MULTIPART)[string],
  ): fc.Arbitrary<{ body: Buffer; contentType: string }> {
    const field = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...Object.keys(spec.fields)) },
      { weight: 1, arbitrary: fc.constantFrom('file', 'purpose', 'model', '', 'a\u0000', '\uD800') },
    );
    const change = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), name: field, value: nastyString }),
      fc.record({ kind: fc.constant('drop' as const), name: field }),
      fc.record({
        kind: fc.constant('bytes' as const),
        name: field,
        bytes: fc.constantFrom(...INVALID_UTF8),
      }),
      fc.record({
        kind: fc.constant('file' as const),
        filename: nastyString,
        bytes: fc.uint8Array({ maxLength: 64 }),
      }),
      fc.record({ kind: fc.constant('nofile' as const) }),
      fc.record({ kind: fc.constant('twofiles' as const) }),
    );
    return fc.array(change, { minLength: 1, maxLength: 3 }).map((changes) => {
      const fields = new Map<string, string | Buffer>(Object.entries(spec.fields));
      let files: MultipartPart[] = [
        {
          name: 'file',
          value: spec.file(),
          filename: spec.filename,
          contentType: 'application/octet-stream',
        },
      ];
      for (const c of changes) {
        if (c.kind === 'set') fields.set(c.name, c.value);
        else if (c.kind === 'drop') fields.delete(c.name);
        else if (c.kind === 'bytes') fields.set(c.name, c.bytes);
        else if (c.kind === 'file')
          files = [
            { name: 'file', value: Buffer.from(c.bytes), filename: c.filename.replace(/["\r\n]/g, '') },
          ];
        else if (c.kind === 'nofile') files = [];
        else files = [...files, ...files];
      }
      const parts: MultipartPart[] = [...fields].map(([name, value]) => ({ name, value }));
      return multipart([...parts, ...files]);
    });
  }

  /** Ledger entries after `id`: what a case posted. */
  async function ledgerSince(
    id: string,
  ): Promise<{ id: string; kind: string; account_id: string; amount: string }[]> {
    const { rows } = await db.query<{ id: string; kind: string; account_id: string; amount: string }>(
      'SELECT id::text, kind, account_id::text, amount::text FROM credit_ledger WHERE id > $1 ORDER BY id',
      [id],
    );
    return rows;
  }

  /**
   * Model calls that reached the provider and failed, so far: each adds a released reservation,
   * or (a call that held nothing, decision 0030) a usage record of the failure. Usage records are
   * flushed by `fingerprint`, which runs first.
   */
  async function releasedCount(): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM credit_reservations WHERE status = 'released')::int
            + (SELECT count(*) FROM usage_records WHERE status = 'error')::int AS n`,
    );
    return rows[0]!.n;
  }

  async function fingerprint(): Promise<Fingerprint> {
    await t.gw.app.get(UsageRecorder).flush();
    await t.gw.app.get(ActivityLogService).flush();
    const { rows } = await db.query<Fingerprint>(FINGERPRINT_SQL);
    return rows[0]!;
  }

  it('answers hostile input on every route with a 4xx envelope (or a valid 2xx), never a 5xx, and writes nothing it refused', async () => {
    const weightOf = (r: Route): number =>
      r.path === '/v1/chat/completions'
        ? 12
        : r.path.startsWith('/v1/') && r.method === 'POST'
          ? 4
          : r.bodySchema
            ? 3
            : 2;
    const arbitrary = fc.oneof(...routes.map((r) => ({ weight: weightOf(r), arbitrary: caseFor(r) })));
    const failures = new Map<string, string>();
    const statuses = new Map<number, number>();
    let cases = 0;
    let previous: FuzzCase | undefined;
    const maxLedgerId = async () =>
      (await db.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM credit_ledger')).rows[0]!
        .id;
    let before = await fingerprint();
    let lastLedgerId = await maxLedgerId();
    let lastReleased = await releasedCount();
    const started = Date.now();

    await fc.assert(
      fc.asyncProperty(arbitrary, async (c) => {
        cases++;
        let res: RawResponse;
        try {
          res = await send(t.gw.url, c.method, c.url, c.headers, c.body);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // A request Node's own client refuses to write (a header it deems invalid) is not a case.
          if (code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN') return;
          // A reused connection that fails to parse is the previous answer's fault (a body longer
          // than its content-length): name both.
          failures.set(
            `${c.route} transport`,
            `${describeCase(c)} -> ${String(error)}${previous ? `\n   after: ${describeCase(previous)}` : ''}`,
          );
          before = await fingerprint();
          lastLedgerId = await maxLedgerId();
          lastReleased = await releasedCount();
          previous = c;
          return;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const after = await fingerprint();
        const problems: string[] = [];
        if (res.status >= 500) problems.push(`status ${res.status}: ${res.text.slice(0, 200)}`);
        if (res.status >= 400 && res.status < 500) {
          const problem = envelopeProblem(res, c.url);
          if (problem)
            problems.push(`${res.status} without the envelope (${problem}): ${res.text.slice(0, 200)}`);
        }
        // A 5xx is already a failure; what a failed upstream call leaves behind is its trail.
        // A model call (the answer names its model) is paid for, whatever its method (GET /ask).
        const ok = res.status >= 200 && res.status < 300;
        const validWrite = ok && (c.method !== 'GET' || res.headers['x-switchyard-model'] !== undefined);
        if (!validWrite && res.status < 500) {
          const posted = await ledgerSince(lastLedgerId);
          const attempted = posted.length === 0 && (await releasedCount()) > lastReleased;
          // A released reservation may leave the key's spend row it created (spent back to 0).
          const data = changed(before, after, 'data.').filter(
            (table) => !(attempted && table === 'data.credit_key_spend'),
          );
          const trail = attempted ? [] : changed(before, after, 'trail.');
          if (data.length + trail.length > 0) {
            const kinds = posted.map((e) => `${e.kind} ${e.amount}`).join(', ');
            problems.push(
              `${res.status} yet wrote ${[...data, ...trail].join(', ')}${kinds ? ` (ledger: ${kinds})` : ''}`,
            );
          }
        }
        lastLedgerId = await maxLedgerId();
        lastReleased = await releasedCount();
        for (const problem of problems) {
          const key = `${c.route} ${problem.slice(0, 40)}`;
          if (!failures.has(key)) failures.set(key, `${describeCase(c)} -> ${problem}`);
        }
        before = after;
        // A valid `{"all": true}` logout ends the caller's sessions: log in again, so the rest of
        // the run still reaches past authentication.
        if (c.route === 'POST /api/v1/auth/logout' && res.status < 300 && c.caller !== 'api_key') {
          const { email, password } = credentials[c.caller];
          tokens[c.caller] = (await login(t.gw.url, email, password)).access_token;
          before = await fingerprint();
        }
        previous = c;
      }),
      { seed: SEED, numRuns: RUNS },
    );

    const report = await verifyLedger((sql, params) => db.query(sql, params).then((r) => r.rows));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const summary = `route fuzz: seed ${SEED}, ${cases} cases over ${routes.length} routes in ${seconds} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`;
    process.stdout.write(`${summary}\n`);
    if (failures.size > 0 || !report.ok) {
      throw new Error(
        `${summary}\nReplay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npm test -- test/route-fuzz.e2e-spec.ts\n` +
          [...failures.values()].map((f, i) => `${i + 1}. ${f}`).join('\n') +
          (report.ok
            ? ''
            : `\nledger mismatches: ${JSON.stringify(report.mismatches.slice(0, 5), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`),
      );
    }
    expect(report.ok).toBe(true);
  }, 300_000);
});
