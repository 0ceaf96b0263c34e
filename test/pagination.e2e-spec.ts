import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PAGE_LIMIT_MAX, PAGE_OFFSET_MAX } from '@switchyard/core';
import request from 'supertest';
import { loginAdmin } from './support/session.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** Every list endpoint that pages by `limit` and `offset`. */
const PAGED = [
  '/api/v1/credits/ledger',
  '/api/v1/activity-logs',
  '/api/v1/api-keys',
  '/api/v1/provider-keys',
  '/api/v1/users',
  '/api/v1/tenants',
  '/api/v1/providers',
  '/api/v1/routes',
];

describe('paging bounds', () => {
  let gw: TestGateway;
  let admin: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    admin = await loginAdmin(gw.url);
  });
  afterAll(async () => {
    await gw?.close();
  });

  const get = (path: string, query: Record<string, string>) =>
    request(gw.url).get(path).query(query).auth(admin, { type: 'bearer' });

  const expectInvalid = (res: request.Response, param: string) => {
    expect({ status: res.status, body: res.body as unknown }).toEqual({
      status: 400,
      body: {
        error: { message: expect.any(String), type: 'invalid_request_error', code: 'invalid_value', param },
      },
    });
  };

  describe.each(PAGED)('%s', (path) => {
    it.each([
      ['offset', '9223372036854776000'],
      ['offset', '9223372036854775807'],
      ['offset', '1e300'],
      ['offset', String(PAGE_OFFSET_MAX + 1)],
      ['offset', '-1'],
      ['offset', '1.5'],
      ['offset', 'abc'],
      ['limit', '0'],
      ['limit', String(PAGE_LIMIT_MAX + 1)],
      ['limit', '9223372036854776000'],
      ['limit', '-5'],
      ['limit', 'NaN'],
    ])('refuses %s=%s with a 400 naming it', async (param, value) => {
      expectInvalid(await get(path, { [param]: value }), param);
    });

    it('answers the deepest page and the largest limit with an empty page', async () => {
      const res = await get(path, { offset: String(PAGE_OFFSET_MAX), limit: String(PAGE_LIMIT_MAX) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ data: [], limit: PAGE_LIMIT_MAX, offset: PAGE_OFFSET_MAX });
    });
  });

  it('bounds the group limit of /usage and the page size of /v1/files', async () => {
    expectInvalid(await get('/api/v1/usage', { limit: '9223372036854776000' }), 'limit');
    const files = await get('/v1/files', { limit: '9223372036854776000' });
    expect(files.status).toBe(400);
    expect(files.body.error).toMatchObject({ type: 'invalid_request_error', param: 'limit' });
  });
});
