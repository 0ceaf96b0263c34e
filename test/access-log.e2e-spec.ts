import { Controller, Get, Query } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  AppLogger,
  CoreConfigModule,
  InvalidRequestError,
  LoggingModule,
  UpstreamError,
  configureHttp,
} from '@switchyard/core';

/** Routes that exist only in this test: one answer of each kind, on /v1 and on the management API. */
@Controller()
class ProbeController {
  @Get(['v1/probe/ok', 'api/v1/probe/ok'])
  ok(@Query('key') _key?: string) {
    return { ok: true };
  }

  @Get('v1/probe/bad')
  bad(): never {
    throw new InvalidRequestError('temperature must be at most 2', {
      param: 'temperature',
      code: 'invalid_value',
    });
  }

  @Get('v1/probe/crash')
  crash(): never {
    throw new TypeError("Cannot read properties of null (reading 'content')");
  }

  @Get('v1/probe/upstream')
  upstream(): never {
    const cause = new Error('401 from https://api.example.com with key sk-live-abcdefghijklmnop');
    throw new UpstreamError(502, 'The provider failed to serve gpt-x.', { cause });
  }
}

interface Line {
  level: number;
  msg: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number | null };
  responseTime?: number;
  error?: { type: string; code: string | null; cause?: string };
}

describe('the access log', () => {
  let app: NestExpressApplication;
  const out: string[] = [];
  const lines = () => out.map((l) => JSON.parse(l) as Line).filter((l) => l.req?.method);

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        await CoreConfigModule.forRoot({ isolated: true, overrides: { LOG_REQUESTS: 'true' } }),
        LoggingModule,
      ],
      controllers: [ProbeController],
    })
      .overrideProvider(AppLogger)
      .useValue(
        new AppLogger({ level: 'info', format: 'json', destination: { write: (t: string) => out.push(t) } }),
      )
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
    configureHttp(app);
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => {
    out.length = 0;
  });

  async function lineFor(path: string, status: number): Promise<Line> {
    await request(app.getHttpServer()).get(path).set('x-request-id', `t-${status}`).expect(status);
    // The line is written when the response has finished.
    for (let i = 0; i < 50 && lines().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(lines()).toHaveLength(1);
    return lines()[0]!;
  }

  it('gives every request, /v1 included, one line with its status and duration', async () => {
    for (const path of ['/v1/probe/ok', '/api/v1/probe/ok']) {
      out.length = 0;
      const line = await lineFor(path, 200);
      expect(line).toMatchObject({ msg: 'request completed', level: 30, res: { statusCode: 200 } });
      expect(line.req).toEqual({ id: 't-200', method: 'GET', url: path });
      expect(typeof line.responseTime).toBe('number');
      expect(line.error).toBeUndefined();
    }
  });

  it('names the error type and code of a failed request', async () => {
    const line = await lineFor('/v1/probe/bad', 400);
    expect(line).toMatchObject({
      res: { statusCode: 400 },
      error: { type: 'invalid_request_error', code: 'invalid_value' },
    });
    expect(line.error?.cause).toBeUndefined();
    const unknown = await (async () => {
      out.length = 0;
      return lineFor('/v1/no-such-route', 404);
    })();
    expect(unknown.error).toEqual({ type: 'invalid_request_error', code: 'unknown_url' });
  });

  it('gives a 5xx its cause: the class and message of what failed underneath', async () => {
    const line = await lineFor('/v1/probe/crash', 500);
    expect(line).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 500 } });
    expect(line.error).toEqual({
      type: 'server_error',
      code: 'internal_error',
      cause: "TypeError: Cannot read properties of null (reading 'content')",
    });
  });

  it('follows an upstream failure to its cause, with credentials scrubbed', async () => {
    const line = await lineFor('/v1/probe/upstream', 502);
    expect(line.error).toEqual({
      type: 'upstream_error',
      code: 'upstream_error',
      cause:
        'UpstreamError: The provider failed to serve gpt-x. <- Error: 401 from https://api.example.com with key [redacted]',
    });
    expect(out.join('')).not.toContain('sk-live');
  });

  it('never logs a credential from the query string', async () => {
    const line = await lineFor('/v1/probe/ok?key=AIzaSecretKeyValue123&x=1', 200);
    expect(line.req?.url).toBe('/v1/probe/ok?key=[redacted]&x=1');
    expect(out.join('')).not.toContain('AIzaSecret');
  });
});
