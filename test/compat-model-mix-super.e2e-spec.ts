import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

/** ModelMixSuper's documented calls (shared/seeds, docs/compat.md), with a Switchyard key. */
describe('compat: ModelMixSuper', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });
  const auth = () => ({ authorization: `Bearer ${t.key}` });

  it('POST /files/upload (multipart file, no purpose), GET /files/list, DELETE /files/{filename}', async () => {
    const up = await request(t.gw.url)
      .post('/files/upload')
      .set(auth())
      .attach('file', Buffer.from('hello from a notes file'), 'notes.txt')
      .expect(200);
    expect(up.body).toMatchObject({ object: 'file', filename: 'notes.txt', purpose: 'assistants' });
    const list = await request(t.gw.url).get('/files/list').set(auth()).expect(200);
    expect(list.body.data.map((f: { id: string }) => f.id)).toContain(up.body.id);
    const del = await request(t.gw.url).delete('/files/notes.txt').set(auth()).expect(200);
    expect(del.body).toEqual({ id: up.body.id, object: 'file', deleted: true });
    const gone = await request(t.gw.url).delete('/files/notes.txt').set(auth());
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({ type: 'invalid_request_error', param: 'filename' });
  });

  it('DELETE /files/{filename} with several files of that name: 409 listing their ids, nothing deleted', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const up = await request(t.gw.url)
        .post('/files/upload')
        .set(auth())
        .attach('file', Buffer.from(`copy ${i}`), 'twice.txt')
        .expect(200);
      ids.push(up.body.id as string);
    }
    const res = await request(t.gw.url).delete('/files/twice.txt').set(auth());
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ambiguous_filename');
    expect(res.body.error.file_ids).toEqual(ids);
    const list = await request(t.gw.url).get('/files/list').set(auth()).expect(200);
    expect(list.body.data.filter((f: { filename: string }) => f.filename === 'twice.txt')).toHaveLength(2);
  });

  it('refuses like /v1/files: no key 401, no file 400, a bad purpose 400', async () => {
    const none = await request(t.gw.url).get('/files/list');
    expect(none.status).toBe(401);
    const noFile = await request(t.gw.url).post('/files/upload').set(auth()).field('purpose', 'assistants');
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.param).toBe('file');
    const badPurpose = await request(t.gw.url)
      .post('/files/upload')
      .set(auth())
      .field('purpose', 'nonsense')
      .attach('file', Buffer.from('x'), 'x.txt');
    expect(badPurpose.status).toBe(400);
    expect(badPurpose.body.error.param).toBe('purpose');
  });
});
