import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI, { toFile } from 'openai';
import request from 'supertest';
import { memberBalance, startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { minimalPdf } from './support/pdf.js';
import { createApiKey, seedTenant } from './support/session.js';

type Parts = OpenAI.Chat.Completions.ChatCompletionContentPart[];

function upstreamText(t: LlmGateway): string {
  const record = t.sim.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1);
  const messages = (record?.body as { messages: Array<{ content: unknown }> }).messages;
  return JSON.stringify(messages);
}

describe('files in chat', () => {
  let t: LlmGateway;
  // Small, so that a few parts of one file pass it; the default is 64 MiB.
  const MAX_ATTACHED_BYTES = 200_000;
  beforeAll(async () => {
    t = await startLlmGateway({ env: { MAX_ATTACHED_BYTES: String(MAX_ATTACHED_BYTES) } });
  });
  afterAll(async () => {
    await t?.close();
  });
  const balance = () => memberBalance(t);
  const chat = (body: object) =>
    request(t.gw.url).post('/v1/chat/completions').auth(t.key, { type: 'bearer' }).send(body);

  /** A 400 attachments_too_large at this part, whose message says this, with nothing called. */
  const expectTooLarge = (res: request.Response, param: string, message: string) => {
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { type: 'invalid_request_error', code: 'attachments_too_large', param },
    });
    expect((res.body as { error: { message: string } }).error.message).toContain(message);
    expect(t.sim.requests).toHaveLength(0);
  };

  it("puts an uploaded PDF's text into the upstream prompt, counted in usage", async () => {
    const pdf = await t.client.files.create({
      file: await toFile(minimalPdf('Quarterly revenue was 42 zorkmids.'), 'q3.pdf'),
      purpose: 'user_data',
    });
    t.sim.clearRequests();
    const content: Parts = [
      { type: 'text', text: 'Summarize:' },
      { type: 'file', file: { file_id: pdf.id } },
    ];
    const plain = await t.client.chat.completions.create({
      model: 'simulator/sim-gpt',
      messages: [{ role: 'user', content: 'Summarize:' }],
    });
    const answer = await t.client.chat.completions.create({
      model: 'simulator/sim-gpt',
      messages: [{ role: 'user', content }],
    });
    const sent = upstreamText(t);
    expect(sent).toContain('Quarterly revenue was 42 zorkmids.');
    expect(sent).toContain('q3.pdf');
    expect(sent).not.toContain('"type":"file"');
    expect(answer.choices[0]!.message.content).toContain('42 zorkmids');
    expect(answer.usage!.prompt_tokens).toBeGreaterThan(plain.usage!.prompt_tokens + 8);
  });

  it('applies whatever the spelling of the path', async () => {
    const notes = await t.client.files.create({
      file: await toFile(Buffer.from('Spelled differently: kumquat.'), 'k.txt'),
      purpose: 'user_data',
    });
    t.sim.clearRequests();
    await request(t.gw.url)
      .post('/v1/chat/completions/')
      .auth(t.key, { type: 'bearer' })
      .send({
        model: 'simulator/sim-gpt',
        messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: notes.id } }] }],
      })
      .expect(200);
    expect(upstreamText(t)).toContain('kumquat');
  });

  it('works for streamed chats too', async () => {
    const notes = await t.client.files.create({
      file: await toFile(Buffer.from('# Notes\nThe launch code is tangerine.'), 'notes.md'),
      purpose: 'user_data',
    });
    const stream = await t.client.chat.completions.create({
      model: 'simulator/sim-gpt',
      stream: true,
      messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: notes.id } }] as Parts }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('tangerine');
    expect(upstreamText(t)).toContain('The launch code is tangerine.');
  });

  it('truncates a file that does not fit the context window, with a marker', async () => {
    const words = Array.from({ length: 12_000 }, (_, i) => `word${i}`).join(' ');
    const big = await t.client.files.create({
      file: await toFile(Buffer.from(words), 'big.txt'),
      purpose: 'user_data',
    });
    t.sim.clearRequests();
    // sim-text has an 8192-token window.
    await t.client.chat.completions.create({
      model: 'simulator/sim-text',
      max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: big.id } }] as Parts }],
    });
    const sent = upstreamText(t);
    expect(sent).toContain('word0 word1');
    expect(sent).toMatch(/big\.txt truncated: \d+ of \d+ tokens shown/);
    expect(sent).not.toContain('word11999');
  });

  it("refuses an unknown or another tenant's file id with 404 naming the part, and calls nothing upstream", async () => {
    const { member } = await seedTenant(t.gw.url, t.adminToken);
    const other = t.clientWith((await createApiKey(t.gw.url, member.token)).key);
    const theirs = await other.files.create({
      file: await toFile(Buffer.from('theirs'), 't.txt'),
      purpose: 'user_data',
    });
    t.sim.clearRequests();
    for (const id of [theirs.id, 'file-nope']) {
      const error = await t.client.chat.completions
        .create({
          model: 'simulator/sim-gpt',
          messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: id } }] as Parts }],
        })
        .then(
          () => undefined,
          (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
        );
      expect(error?.status).toBe(404);
      expect(error?.param).toBe('messages[0].content[0].file.file_id');
    }
    expect(t.sim.requests).toHaveLength(0);
  });

  it("names the first part that fails in the parts' order, whatever the kind of failure", async () => {
    // Past the bound on its own (210,000 bytes of text against 200,000).
    const big = await t.client.files.create({
      file: await toFile(Buffer.from('b'.repeat(210_000)), 'big.txt'),
      purpose: 'user_data',
    });
    // A file with no text to put into a prompt (a WAV recording).
    const wav = Buffer.concat([
      Buffer.from('RIFF'),
      Buffer.alloc(4),
      Buffer.from('WAVEfmt '),
      Buffer.alloc(2_000),
    ]);
    const recording = await t.client.files.create({ file: await toFile(wav, 'a.wav'), purpose: 'user_data' });
    const before = await balance();
    t.sim.clearRequests();
    const part = (id: string) => ({ type: 'file', file: { file_id: id } });
    const first = await chat({
      model: 'simulator/sim-gpt',
      messages: [{ role: 'user', content: [part(big.id), part('file-nope')] }],
    });
    expectTooLarge(first, 'messages[0].content[0].file.file_id', 'MAX_ATTACHED_BYTES');
    const second = await chat({
      model: 'simulator/sim-gpt',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'see' }, part(recording.id), part('file-nope')] },
      ],
    });
    expect(second.status).toBe(400);
    expect(second.body).toMatchObject({
      error: { type: 'invalid_request_error', param: 'messages[0].content[1].file.file_id' },
    });
    expect((second.body as { error: { message: string } }).error.message).toContain('has no text');
    const third = await chat({
      model: 'simulator/sim-gpt',
      messages: [{ role: 'user', content: [part('file-nope'), part(recording.id), part(big.id)] }],
    });
    expect(third.status).toBe(404);
    expect(third.body).toMatchObject({ error: { param: 'messages[0].content[0].file.file_id' } });
    expect(t.sim.requests).toHaveLength(0);
    expect(await balance()).toEqual(before);
  });

  it('puts a file named by several parts at each of them', async () => {
    const notes = await t.client.files.create({
      file: await toFile(Buffer.from('The password is persimmon.'), 'p.txt'),
      purpose: 'user_data',
    });
    t.sim.clearRequests();
    const part = { type: 'file', file: { file_id: notes.id } } as const;
    await t.client.chat.completions.create({
      model: 'simulator/sim-gpt',
      messages: [
        { role: 'user', content: [part, { type: 'text', text: 'and again:' }, part] },
        { role: 'assistant', content: 'noted' },
        { role: 'user', content: [part] },
      ],
    });
    expect(upstreamText(t).split('The password is persimmon.')).toHaveLength(4);
  });

  it('refuses parts whose files would add more than MAX_ATTACHED_BYTES, naming the part that passes it, and charges nothing', async () => {
    const page = await t.client.files.create({
      file: await toFile(Buffer.from('a quick brown fox '.repeat(2_500)), 'fox.txt'),
      purpose: 'user_data',
    });
    const before = await balance();
    t.sim.clearRequests();
    // 45,000 bytes each: four fit under 200,000, the fifth passes it.
    const content = Array.from({ length: 6 }, () => ({ type: 'file', file: { file_id: page.id } }));
    const res = await chat({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content }] });
    expectTooLarge(res, 'messages[0].content[4].file.file_id', 'MAX_ATTACHED_BYTES');
    expect(await balance()).toEqual(before);
    // Four are served.
    await t.client.chat.completions.create({
      model: 'simulator/sim-gpt',
      messages: [{ role: 'user', content: content.slice(0, 4) as Parts }],
    });
  });

  it("counts the bound in the parts' order, images and text alike", async () => {
    const page = await t.client.files.create({
      file: await toFile(Buffer.from('a quick brown fox '.repeat(2_500)), 'fox.txt'),
      purpose: 'user_data',
    });
    // A PNG (as sniffed) of 120,000 bytes: a 160,000-byte data URL.
    const png = Buffer.alloc(120_000);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
    const picture = await t.client.files.create({ file: await toFile(png, 'p.png'), purpose: 'user_data' });
    t.sim.clearRequests();
    const res = await chat({
      model: 'simulator/sim-gpt',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'file', file: { file_id: page.id } },
            { type: 'file', file: { file_id: picture.id } },
          ],
        },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'attachments_too_large', param: 'messages[0].content[1].file.file_id' },
    });
    expect(t.sim.requests).toHaveLength(0);
  });

  it('refuses files that hold more than MAX_ATTACHED_BYTES together before reading them, even when the window would cut them to fit', async () => {
    // Three distinct files of 90,000 bytes each: the window (sim-text, 8,192 tokens) would cut
    // them to one part's worth, well under the bound, but the gateway would have to read 270,000.
    const ids: string[] = [];
    for (const word of ['alpha', 'bravo', 'charlie']) {
      const file = await t.client.files.create({
        file: await toFile(Buffer.from(`${word} `.repeat(90_000 / (word.length + 1))), `${word}.txt`),
        purpose: 'user_data',
      });
      ids.push(file.id);
    }
    const parts = (n: number) => ids.slice(0, n).map((id) => ({ type: 'file', file: { file_id: id } }));
    const before = await balance();
    t.sim.clearRequests();
    const res = await chat({
      model: 'simulator/sim-text',
      max_tokens: 16,
      messages: [{ role: 'user', content: parts(3) }],
    });
    expectTooLarge(res, 'messages[0].content[2].file.file_id', 'hold more than 200000 bytes');
    expect(await balance()).toEqual(before);
    // Two of them (180,000 bytes) are read, cut to the window and served.
    await chat({
      model: 'simulator/sim-text',
      max_tokens: 16,
      messages: [{ role: 'user', content: parts(2) }],
    }).expect(200);
    expect(upstreamText(t)).toMatch(/bravo\.txt truncated: \d+ of \d+ tokens shown/);
  });

  it('lists, retrieves and attaches a file whose text is not loaded with its row; a deleted one is a 404 for its part', async () => {
    const file = await t.client.files.create({
      file: await toFile(Buffer.from('The password is kumquat.'), 'secret.txt'),
      purpose: 'user_data',
    });
    const listed = await t.client.files.list({ limit: 10_000 });
    expect(listed.data.find((f) => f.id === file.id)).toMatchObject({ filename: 'secret.txt', bytes: 24 });
    expect(await t.client.files.retrieve(file.id)).toMatchObject({ id: file.id, bytes: 24 });
    await t.client.chat.completions.create({
      model: 'simulator/sim-gpt',
      messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: file.id } }] as Parts }],
    });
    expect(upstreamText(t)).toContain('kumquat');
    await t.client.files.delete(file.id);
    const res = await chat({
      model: 'simulator/sim-gpt',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'file', file: { file_id: file.id } },
          ],
        },
      ],
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { param: 'messages[0].content[1].file.file_id' } });
  });

  it('past the context window, each further part of a file is only the marker', async () => {
    const page = await t.client.files.create({
      file: await toFile(Buffer.from('a quick brown fox '.repeat(2_500)), 'fox.txt'),
      purpose: 'user_data',
    });
    t.sim.clearRequests();
    // sim-text has an 8192-token window; the file alone is ~10,000 tokens.
    const content = Array.from({ length: 50 }, () => ({ type: 'file', file: { file_id: page.id } }));
    await chat({ model: 'simulator/sim-text', max_tokens: 16, messages: [{ role: 'user', content }] }).expect(
      200,
    );
    const sent = upstreamText(t);
    expect(sent.match(/fox\.txt truncated: 0 of \d+ tokens shown/g)).toHaveLength(49);
    expect(sent.match(/fox\.txt truncated: [1-9]\d* of \d+ tokens shown/g)).toHaveLength(1);
  });
});
