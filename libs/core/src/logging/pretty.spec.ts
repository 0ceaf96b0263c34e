import { describe, expect, it } from '@jest/globals';
import { AppLogger } from './app-logger.js';
import { formatPretty } from './pretty.js';

describe('pretty log lines', () => {
  it('prints one line per event: time, level, context, message and extra fields', () => {
    const time = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();
    const text = formatPretty(
      JSON.stringify({
        level: 40,
        time,
        pid: 1,
        hostname: 'h',
        context: 'KeyVault',
        msg: 'cooling',
        key: 'k1',
        n: 2,
      }),
    );
    expect(text).toBe('03:04:05.006 WARN  [KeyVault] cooling key=k1 n=2\n');
  });

  it('prints a request as method, URL, status and duration, with its id', () => {
    const text = formatPretty(
      JSON.stringify({
        level: 30,
        msg: 'request completed',
        req: { id: 'req_1', method: 'POST', url: '/v1/chat/completions' },
        res: { statusCode: 200 },
        responseTime: 12,
      }),
    );
    expect(text).toMatch(/INFO {2}request completed POST \/v1\/chat\/completions 200 12ms req_1\n$/);
  });

  it("prints a failed request's error code and cause", () => {
    const text = formatPretty(
      JSON.stringify({
        level: 50,
        msg: 'request errored',
        req: { id: 'req_2', method: 'POST', url: '/v1/chat/completions' },
        res: { statusCode: 502 },
        responseTime: 40,
        error: { type: 'upstream_error', code: 'upstream_error', cause: 'UpstreamError: boom' },
      }),
    );
    expect(text).toMatch(/502 40ms req_2 error=upstream_error cause="UpstreamError: boom"\n$/);
  });

  it('prints an error as its class and message, with its stack frames indented below', () => {
    const err = new TypeError('bad thing');
    const text = formatPretty(
      JSON.stringify({
        level: 50,
        msg: 'unhandled error',
        err: { ...err, type: 'TypeError', message: err.message, stack: err.stack },
      }),
    );
    const [first, ...frames] = text.trimEnd().split('\n');
    expect(first).toMatch(/ERROR unhandled error err="TypeError: bad thing"$/);
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame).toMatch(/^ {4}at /);
  });

  it('is what AppLogger writes in pretty format, credentials still redacted', () => {
    const out: string[] = [];
    const sut = new AppLogger({
      level: 'info',
      format: 'pretty',
      destination: { write: (t: string) => out.push(t) },
    });
    sut.warn({ token: 'secret-token-1' }, 'refresh failed', 'Auth');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/WARN {2}\[Auth\] refresh failed token=\[redacted\]\n$/);
  });
});
