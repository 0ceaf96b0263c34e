import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { TEST_ADMIN } from './test-gateway.js';

/** What the management API returns on login. */
export interface Tokens {
  access_token: string;
  refresh_token: string;
}

export interface SeededUser {
  id: string;
  email: string;
  password: string;
  tenantId: string;
  token: string;
  tokens: Tokens;
}

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function login(url: string, email: string, password: string): Promise<Tokens> {
  const res = await request(url).post('/api/v1/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Tokens;
}

export async function loginAdmin(url: string): Promise<string> {
  return (await login(url, TEST_ADMIN.email, TEST_ADMIN.password)).access_token;
}

/**
 * Seeds a tenant with a tenant admin and a member, through the API as an operator would.
 * Returns their logged-in sessions.
 */
export async function seedTenant(
  url: string,
  adminToken: string,
  name = unique('tenant'),
): Promise<{ tenantId: string; admin: SeededUser; member: SeededUser }> {
  const tenant = await request(url)
    .post('/api/v1/tenants')
    .auth(adminToken, { type: 'bearer' })
    .send({ name })
    .expect(201);
  const tenantId = tenant.body.id as string;
  const admin = await seedUser(url, adminToken, tenantId, 'tenant_admin');
  const member = await seedUser(url, adminToken, tenantId, 'member');
  return { tenantId, admin, member };
}

export async function seedUser(
  url: string,
  creatorToken: string,
  tenantId: string,
  role: 'tenant_admin' | 'member',
): Promise<SeededUser> {
  const email = `${unique(role)}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const res = await request(url)
    .post('/api/v1/users')
    .auth(creatorToken, { type: 'bearer' })
    .send({ email, password, role, tenant_id: tenantId })
    .expect(201);
  const tokens = await login(url, email, password);
  return { id: res.body.id, email, password, tenantId, token: tokens.access_token, tokens };
}

export async function createApiKey(
  url: string,
  token: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; key: string }> {
  const res = await request(url)
    .post('/api/v1/api-keys')
    .auth(token, { type: 'bearer' })
    .send({ name: unique('key'), ...body })
    .expect(201);
  return { id: res.body.id, key: res.body.key };
}
