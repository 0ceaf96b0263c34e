import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestGateway, type TestDatabaseKind, type TestGateway } from './support/test-gateway.js';

/** The HTTP-edge smoke suite, run against both the real Postgres and the embedded PGlite. */
export function smokeSuite(database: TestDatabaseKind): void {
  describe(`gateway smoke (${database})`, () => {
    let gw: TestGateway;
    // Booting PGlite and migrating it can take longer than jest's default 5 s on a busy machine.
    beforeAll(async () => {
      gw = await startTestGateway({ database, env: { MAX_BODY_BYTES: '65536', MAX_API_BODY_BYTES: '4096' } });
    }, 60_000);
    afterAll(async () => {
      await gw?.close();
    });

    it('answers liveness and readiness with the database up', async () => {
      await request(gw.url).get('/api/v1/health').expect(200, { status: 'ok' });
      const ready = await request(gw.url).get('/api/v1/health/ready').expect(200);
      expect(ready.body.details.database.status).toBe('up');
    });

    it('serves Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
      const ui = await request(gw.url).get('/docs/').expect(200);
      expect(ui.text).toContain('swagger-ui');
      const doc = await request(gw.url).get('/docs-json').expect(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(doc.body.paths['/api/v1/health/ready']).toBeDefined();
    });

    it('answers an unknown route with a 404 in the OpenAI envelope', async () => {
      const res = await request(gw.url).post('/v1/does-not-exist').send({}).expect(404);
      expect(res.body).toEqual({
        error: {
          message: 'Unknown request URL: POST /v1/does-not-exist.',
          type: 'invalid_request_error',
          code: 'unknown_url',
          param: null,
        },
      });
    });

    it('answers malformed JSON with a 400 invalid_json', async () => {
      const res = await request(gw.url)
        .post('/v1/chat/completions')
        .set('content-type', 'application/json')
        .send('{"model": ')
        .expect(400);
      expect(res.body.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'invalid_json',
        param: null,
      });
    });

    it('refuses bodies over the limit with 413, separately for /v1 and /api', async () => {
      const v1 = await request(gw.url)
        .post('/v1/chat/completions')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ pad: 'x'.repeat(70_000) }))
        .expect(413);
      expect(v1.body.error).toMatchObject({ code: 'request_too_large', type: 'invalid_request_error' });
      expect(v1.body.error.message).toContain('65536');
      // 5 kB is fine for /v1 but over the management API's limit.
      await request(gw.url)
        .post('/v1/does-not-exist')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ pad: 'x'.repeat(5_000) }))
        .expect(404);
      const api = await request(gw.url)
        .post('/api/v1/health')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ pad: 'x'.repeat(5_000) }))
        .expect(413);
      expect(api.body.error.message).toContain('4096');
    });

    it('echoes a sane x-request-id and generates one otherwise', async () => {
      const given = await request(gw.url)
        .get('/api/v1/health')
        .set('x-request-id', 'trace-42.a:b')
        .expect(200);
      expect(given.headers['x-request-id']).toBe('trace-42.a:b');
      const generated = await request(gw.url)
        .get('/api/v1/health')
        .set('x-request-id', 'bad id with spaces <script>')
        .expect(200);
      expect(generated.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    });

    it('sends security headers', async () => {
      const res = await request(gw.url).get('/api/v1/health').expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });
}
