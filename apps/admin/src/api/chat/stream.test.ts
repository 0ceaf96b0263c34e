import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../http';
import { setAccessToken } from '../session';
import { streamChat } from './stream';
import type { ChatStats } from './types';

const request = {
  model: 'simulator/sim-gpt',
  messages: [{ role: 'user' as const, content: 'hi' }],
  stream: true as const,
  stream_options: { include_usage: true as const },
};

function sse(events: string[], headers: Record<string, string> = {}): Response {
  const body = events.map((e) => `data: ${e}\n\n`).join('');
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream', ...headers } });
}

afterEach(() => vi.unstubAllGlobals());

describe('streamChat', () => {
  it('sends the session token, hands out each delta and the stats under the answer', async () => {
    setAccessToken('access-1', 900);
    const fetch = vi.fn(async (req: Request) => {
      expect(req.headers.get('authorization')).toBe('Bearer access-1');
      expect(await req.json()).toMatchObject({ model: 'simulator/sim-gpt', stream: true });
      return sse(
        [
          JSON.stringify({ model: 'simulator/sim-gpt', choices: [{ index: 0, delta: { content: 'Hel' } }] }),
          JSON.stringify({ choices: [{ index: 0, delta: { content: 'lo' } }] }),
          JSON.stringify({
            choices: [],
            usage: { prompt_tokens: 3, completion_tokens: 2, cost: '0.000016' },
          }),
          '[DONE]',
        ],
        {
          'x-switchyard-provider': 'simulator',
          'x-switchyard-model': 'simulator/sim-gpt',
          'x-request-id': 'req_1',
        },
      );
    });
    vi.stubGlobal('fetch', fetch);
    let clock = 0;
    const deltas: string[] = [];
    let last: ChatStats = {};
    const stats = await streamChat(
      request,
      { onDelta: (t) => deltas.push(t), onStats: (s) => (last = s) },
      new AbortController().signal,
      () => (clock += 10),
    );
    expect(deltas).toEqual(['Hel', 'lo']);
    expect(stats).toMatchObject({
      provider: 'simulator',
      model: 'simulator/sim-gpt',
      requestId: 'req_1',
      promptTokens: 3,
      completionTokens: 2,
      cost: '0.000016',
    });
    expect(stats.ttftMs).toBeGreaterThan(0);
    expect(stats.latencyMs).toBeGreaterThan(stats.ttftMs!);
    expect(last).toEqual(stats);
  });

  it('turns an error answer into an ApiError with its message', async () => {
    setAccessToken('access-1', 900);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        Response.json(
          {
            error: {
              message: 'Insufficient credits',
              type: 'insufficient_credits',
              code: 'insufficient_credits',
              param: null,
            },
          },
          { status: 402 },
        ),
      ),
    );
    await expect(
      streamChat(request, { onDelta: () => {}, onStats: () => {} }, new AbortController().signal),
    ).rejects.toMatchObject({
      status: 402,
      message: 'Insufficient credits',
    });
  });

  it('raises an error event that arrives mid-stream', async () => {
    setAccessToken('access-1', 900);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        sse([
          JSON.stringify({ choices: [{ index: 0, delta: { content: 'a' } }] }),
          JSON.stringify({ error: { message: 'upstream broke' } }),
        ]),
      ),
    );
    const deltas: string[] = [];
    const run = streamChat(
      request,
      { onDelta: (t) => deltas.push(t), onStats: () => {} },
      new AbortController().signal,
    );
    await expect(run).rejects.toBeInstanceOf(ApiError);
    expect(deltas).toEqual(['a']);
  });
});
