import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Caller } from '@switchyard/auth';
import { AppConfig } from '@switchyard/core';
import { FilesService } from '@switchyard/files';
import OpenAI, { toFile } from 'openai';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { minimalPdf } from './support/pdf.js';
import { createApiKey, seedTenant, seedUser } from './support/session.js';

const MAX = 64 * 1024;

function status(error: unknown): number | undefined {
  return error instanceof OpenAI.APIError ? error.status : undefined;
}

describe('/v1/files through the official openai SDK', () => {
  let t: LlmGateway;
  let filesDir: string;
  beforeAll(async () => {
    t = await startLlmGateway({
      env: { MAX_FILE_BYTES: String(MAX), TENANT_FILE_QUOTA_BYTES: String(3 * MAX) },
    });
    filesDir = t.gw.app.get(AppConfig).media.filesDir;
  });
  afterAll(async () => {
    await t?.close();
  });

  const storedCount = () => {
    try {
      return readdirSync(filesDir, { recursive: true }).filter((f) => String(f).includes('file-')).length;
    } catch {
      return 0;
    }
  };

  it('uploads, lists, retrieves, reads and deletes', async () => {
    const text = 'hello files\nsecond line\n';
    const created = await t.client.files.create({
      file: await toFile(Buffer.from(text), 'notes.md'),
      purpose: 'assistants',
    });
    expect(created).toMatchObject({
      object: 'file',
      bytes: text.length,
      filename: 'notes.md',
      purpose: 'assistants',
    });
    expect(created.id).toMatch(/^file-/);
    expect((created as unknown as { mime_type: string }).mime_type).toBe('text/markdown');

    const list = await t.client.files.list();
    expect(list.data.map((f) => f.id)).toContain(created.id);

    const got = await t.client.files.retrieve(created.id);
    expect(got).toMatchObject({ id: created.id, bytes: text.length });

    const content = await t.client.files.content(created.id);
    expect(await content.text()).toBe(text);

    const deleted = await t.client.files.delete(created.id);
    expect(deleted).toMatchObject({ id: created.id, deleted: true });
    expect(status(await t.client.files.retrieve(created.id).catch((e: unknown) => e))).toBe(404);
  });

  it('sniffs the type from the bytes and extracts PDF text at upload', async () => {
    const pdf = minimalPdf('The secret word is marmalade.');
    const created = await t.client.files.create({
      file: await toFile(pdf, 'report.txt'),
      purpose: 'user_data',
    });
    expect((created as unknown as { mime_type: string }).mime_type).toBe('application/pdf');
    const caller = { tenantId: t.member.tenantId, userId: t.member.id, role: 'member' } as Caller;
    expect(await t.gw.app.get(FilesService).text(caller, created.id)).toContain(
      'The secret word is marmalade.',
    );
    const html = await t.client.files.create({
      file: await toFile(
        Buffer.from('<html><body><script>x()</script><p>Hi &amp; bye</p></body></html>'),
        'a.html',
      ),
      purpose: 'user_data',
    });
    expect((html as unknown as { mime_type: string }).mime_type).toBe('text/html');
  });

  it('refuses oversize (413), empty (400), executables and archives (400), and stores nothing', async () => {
    const before = storedCount();
    const big = await t.client.files
      .create({ file: await toFile(Buffer.alloc(MAX + 1, 'a'), 'big.txt'), purpose: 'assistants' })
      .catch((e: unknown) => e);
    expect(status(big)).toBe(413);
    const empty = await t.client.files
      .create({ file: await toFile(Buffer.alloc(0), 'empty.txt'), purpose: 'assistants' })
      .catch((e: unknown) => e);
    expect(status(empty)).toBe(400);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40, 0)]);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(40, 0)]);
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(60, 0x90), Buffer.from([0xff, 0xfe, 0x00])]);
    for (const [bytes, name] of [
      [zip, 'notes.zip'],
      [elf, 'run.txt'],
      [exe, 'setup.pdf'],
    ] as const) {
      const e = await t.client.files
        .create({ file: await toFile(bytes, name), purpose: 'assistants' })
        .catch((x: unknown) => x);
      expect(status(e)).toBe(400);
      expect((e as InstanceType<typeof OpenAI.APIError>).message).toMatch(/Unsupported file type/);
    }
    const badPdf = await t.client.files
      .create({ file: await toFile(Buffer.from('%PDF-1.4\nnot really'), 'x.pdf'), purpose: 'assistants' })
      .catch((e: unknown) => e);
    expect(status(badPdf)).toBe(400);
    const badPurpose = await request(t.gw.url)
      .post('/v1/files')
      .auth(t.key, { type: 'bearer' })
      .attach('file', Buffer.from('hi'), 'a.txt')
      .field('purpose', 'nonsense')
      .expect(400);
    expect(badPurpose.body.error.param).toBe('purpose');
    await request(t.gw.url)
      .post('/v1/files')
      .auth(t.key, { type: 'bearer' })
      .field('purpose', 'assistants')
      .expect(400);
    expect(storedCount()).toBe(before);
  });

  it('enforces the tenant quota (413) and frees it on delete', async () => {
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    const client = t.clientWith((await createApiKey(t.gw.url, member.token)).key);
    const chunk = Buffer.alloc(MAX, 'q');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await client.files.create({ file: await toFile(chunk, `q${i}.txt`), purpose: 'assistants' })).id,
      );
    const over = await client.files
      .create({ file: await toFile(Buffer.from('one more'), 'q.txt'), purpose: 'assistants' })
      .catch((e: unknown) => e);
    expect(status(over)).toBe(413);
    await client.files.delete(ids[0]!);
    await client.files.create({
      file: await toFile(Buffer.from('one more'), 'q.txt'),
      purpose: 'assistants',
    });
  });

  it("keeps tenants apart: another tenant's file id is 404 everywhere", async () => {
    const mine = await t.client.files.create({
      file: await toFile(Buffer.from('private'), 'p.txt'),
      purpose: 'assistants',
    });
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    const other = t.clientWith((await createApiKey(t.gw.url, member.token)).key);
    expect(status(await other.files.retrieve(mine.id).catch((e: unknown) => e))).toBe(404);
    expect(status(await other.files.content(mine.id).catch((e: unknown) => e))).toBe(404);
    expect(status(await other.files.delete(mine.id).catch((e: unknown) => e))).toBe(404);
    expect((await other.files.list()).data.map((f) => f.id)).not.toContain(mine.id);
    expect(status(await t.client.files.retrieve('file-doesnotexist').catch((e: unknown) => e))).toBe(404);
    // Still there for its owner.
    expect((await t.client.files.retrieve(mine.id)).id).toBe(mine.id);
  });

  it("within a tenant: a member sees only their own files, the tenant's admin sees all of them", async () => {
    const { tenantId, admin, member } = await seedTenant(t.gw.url, t.adminToken);
    const colleague = await seedUser(t.gw.url, t.adminToken, tenantId, 'member');
    const mine = t.clientWith((await createApiKey(t.gw.url, member.token)).key);
    const theirs = t.clientWith((await createApiKey(t.gw.url, colleague.token)).key);
    const boss = t.clientWith((await createApiKey(t.gw.url, admin.token)).key);
    const file = await mine.files.create({
      file: await toFile(Buffer.from('mine'), 'm.txt'),
      purpose: 'assistants',
    });
    expect(status(await theirs.files.retrieve(file.id).catch((e: unknown) => e))).toBe(404);
    expect((await theirs.files.list()).data).toHaveLength(0);
    expect((await boss.files.retrieve(file.id)).id).toBe(file.id);
    expect((await boss.files.list()).data.map((f) => f.id)).toContain(file.id);
  });

  it('needs a key', async () => {
    await request(t.gw.url).get('/v1/files').expect(401);
  });
});
