import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toFile } from 'openai';
import request from 'supertest';
import { memberBalance, startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

/**
 * A large prompt goes upstream as the caller's own bytes where the gateway did not change it
 * (decision 0042), and as the gateway's JSON where it did. What the upstream reads is the same.
 */
describe('large bodies sent upstream as the caller’s bytes', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  const big = 'lorem '.repeat(5000).trim(); // 30 KB, past RAW_JSON_MIN_BYTES
  const lastChat = () => t.sim.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)!;
  const post = (text: string) =>
    request(t.gw.url)
      .post('/v1/chat/completions')
      .auth(t.key, { type: 'bearer' })
      .set('content-type', 'application/json')
      .send(text);

  it('sends a large message with the caller’s spacing and escapes, the model rewritten', async () => {
    // Spacing and an escape that JSON.stringify would not write: they reach the upstream only as bytes.
    const system = `{\n  "role" : "system",\n  "content" : "\\u00e9 ${big}"\n}`;
    const balance = async () => Number(((await memberBalance(t)) as { balance: string }).balance);
    const before = await balance();
    t.sim.clearRequests();
    const res = await post(
      `{ "model": "simulator/sim-gpt", "max_tokens": 8,\n "messages": [ ${system}, {"role":"user","content":"hi"} ] }`,
    );
    expect(res.status).toBe(200);
    const record = lastChat();
    expect(record.model).toBe('sim-gpt');
    const expected = `{"model":"sim-gpt","max_tokens":8,"messages":[${system},{"role":"user","content":"hi"}],"stream":false}`;
    expect(record.body).toEqual(JSON.parse(expected));
    expect(Number(record.headers['content-length'])).toBe(Buffer.byteLength(expected));
    // Charged as any call: its prompt counted.
    expect((res.body as { usage: { prompt_tokens: number } }).usage.prompt_tokens).toBeGreaterThan(4000);
    expect(await balance()).toBeLessThan(before);
  });

  it('adds the stream’s usage option to a large streamed body', async () => {
    t.sim.clearRequests();
    const res = await post(
      JSON.stringify(
        { model: 'simulator/sim-gpt', stream: true, messages: [{ role: 'user', content: big }] },
        null,
        2,
      ),
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('data: [DONE]');
    expect(lastChat().body).toEqual({
      model: 'sim-gpt',
      stream: true,
      messages: [{ role: 'user', content: big }],
      stream_options: { include_usage: true },
    });
  });

  it('sends what a preparer changed in a large message (a file inlined), not the caller’s bytes', async () => {
    const notes = await t.client.files.create({
      file: await toFile(Buffer.from('The password is kumquat.'), 'notes.txt'),
      purpose: 'user_data',
    });
    t.sim.clearRequests();
    const res = await post(
      JSON.stringify({
        model: 'simulator/sim-gpt',
        max_tokens: 8,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: big },
              { type: 'file', file: { file_id: notes.id } },
            ],
          },
        ],
      }),
    );
    expect(res.status).toBe(200);
    const sent = JSON.stringify(lastChat().body);
    expect(sent).toContain('The password is kumquat.');
    expect(sent).not.toContain('"type":"file"');
    expect(sent).toContain(big);
  });

  it('gives the OpenAI SDK the same answer and the upstream the same messages', async () => {
    t.sim.clearRequests();
    const messages = [
      { role: 'system' as const, content: `Quote "exactly": \\ ${big} \u{1F680}` },
      { role: 'user' as const, content: 'hi' },
    ];
    const answer = await t.client.chat.completions.create({
      model: 'simulator/sim-gpt',
      max_tokens: 8,
      messages,
    });
    expect(answer.choices[0]!.message.content).toEqual(expect.any(String));
    expect(lastChat().body).toEqual({ model: 'sim-gpt', max_tokens: 8, messages, stream: false });
  });
});
