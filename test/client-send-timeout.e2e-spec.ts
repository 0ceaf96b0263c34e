import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { UsageRecorder, verifyLedger } from '@switchyard/credits';
import { DataSource } from 'typeorm';
import { fundMember, startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

/**
 * 250,000 one-letter words: the simulator echoes them one per chunk, and each becomes an SSE
 * event of ~170 bytes, so the stream is ~42 MB: more than the kernel's buffers on both ends can
 * hold on these machines (net.ipv4.tcp_wmem and tcp_rmem at most 4 MB and 32 MB; a host whose
 * tcp_rmem allows 40 MB or more would need a longer stream).
 */
const MANY_WORDS = 'a '.repeat(250_000);

/**
 * A client that sends a streamed call and then reads nothing, without closing: past the kernel's
 * buffers the gateway waits for it to take more. CLIENT_SEND_TIMEOUT_MS bounds that wait; before
 * it, such a client held its call (and its upstream connection) for good.
 */
describe('a streaming client that stops reading (CLIENT_SEND_TIMEOUT_MS)', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({ env: { CLIENT_SEND_TIMEOUT_MS: '1000' } });
    // A 250,000-token answer costs more than the signup credits.
    await fundMember(t, '100000');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is cut off after the timeout: the call ends as aborted, charged for what was written to the connection, the books balance', async () => {
    const requestId = `stuck-${randomUUID()}`;
    const url = new URL(t.gw.url);
    const body = JSON.stringify({
      model: 'simulator/sim-gpt',
      stream: true,
      messages: [{ role: 'user', content: MANY_WORDS }],
    });
    const socket: Socket = connect(Number(url.port), url.hostname);
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: ${url.host}\r\nauthorization: Bearer ${t.key}\r\n` +
        `content-type: application/json\r\nx-request-id: ${requestId}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.pause();
    const started = Date.now();

    // The call is metered once it ends; with the client stuck, only the cut-off can end it.
    const db = t.gw.app.get(DataSource);
    type Row = { status: string; cost: string; output_tokens: number };
    let rows: Row[] = [];
    while (rows.length === 0 && Date.now() - started < 15_000) {
      await new Promise((r) => setTimeout(r, 250));
      await t.gw.app.get(UsageRecorder).flush();
      rows = await db.query<Row[]>(
        'SELECT status, cost::text AS cost, output_tokens FROM usage_records WHERE request_id = $1',
        [requestId],
      );
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('aborted');
    expect(BigInt(rows[0]!.cost)).toBeGreaterThan(0n);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);

    // The client, reading again, finds a connection that ends before the stream's end.
    let received = '';
    const ended = new Promise<void>((resolve) => {
      socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    socket.resume();
    await ended;
    expect(received.startsWith('HTTP/1.1 200')).toBe(true);
    expect(received).not.toContain('[DONE]');

    // The books still add up: balance == sum(ledger entries) on every account.
    const report = await verifyLedger((sql, params) => db.query(sql, params));
    expect(report.ok).toBe(true);
  }, 30_000);
});
