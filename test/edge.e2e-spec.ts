import { Body, Controller, Get, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IsInt, IsString, Max, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import request from 'supertest';
import { CoreConfigModule, LoggingModule, configureHttp } from '@switchyard/core';

class InnerDto {
  @IsInt()
  @Max(10)
  count!: number;
}
class ProbeDto {
  @IsString()
  name!: string;

  @ValidateNested()
  @Type(() => InnerDto)
  inner!: InnerDto;
}

/** A controller that exists only in this test, to drive the HTTP edge's error paths. */
@Controller('api/v1/probe')
class ProbeController {
  @Post()
  create(@Body() body: ProbeDto) {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error('database password is hunter2 at /srv/app/secret.ts:12');
  }
}

describe('the HTTP edge', () => {
  let app: NestExpressApplication;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        await CoreConfigModule.forRoot({ isolated: true, overrides: { LOG_LEVEL: 'silent' } }),
        LoggingModule,
      ],
      controllers: [ProbeController],
    }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
    configureHttp(app);
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reports a validation failure as a 400 naming the field in param', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/probe')
      .send({ name: 'x', inner: { count: 11 } })
      .expect(400);
    expect(res.body).toEqual({
      error: {
        message: 'count must not be greater than 10',
        type: 'invalid_request_error',
        code: 'invalid_value',
        param: 'inner.count',
      },
    });
  });

  it('refuses unknown fields', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/probe')
      .send({ name: 'x', inner: { count: 1 }, admin: true })
      .expect(400);
    expect(res.body.error).toMatchObject({ param: 'admin', type: 'invalid_request_error' });
  });

  it('accepts a valid body', async () => {
    await request(app.getHttpServer())
      .post('/api/v1/probe')
      .send({ name: 'x', inner: { count: 1 } })
      .expect(201, { name: 'x', inner: { count: 1 } });
  });

  it('answers an unexpected error with a 500 that carries the request id and no internals', async () => {
    const res = await request(app.getHttpServer())
      .get('/api/v1/probe/boom')
      .set('x-request-id', 'boom-1')
      .expect(500);
    expect(res.body).toEqual({
      error: {
        message: 'The server had an error while processing your request. Request id: boom-1.',
        type: 'server_error',
        code: 'internal_error',
        param: null,
      },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|secret\.ts|at /);
  });
});
