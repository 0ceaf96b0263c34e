import { BadRequestException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { InsufficientCreditsError, ModelNotFoundError, RateLimitError, UpstreamError } from './api-error.js';
import { toApiError } from './error-mapping.js';

describe('toApiError', () => {
  it('keeps domain errors as they are', () => {
    const err = new InsufficientCreditsError('Not enough credits.', {
      details: { balance: '0.5', estimate: '1' },
    });
    expect(toApiError(err, 'POST', '/v1/chat/completions')).toEqual({ error: err, unexpected: false });
    expect(err.toEnvelope()).toEqual({
      error: {
        message: 'Not enough credits.',
        type: 'insufficient_credits',
        code: 'insufficient_credits',
        param: null,
        balance: '0.5',
        estimate: '1',
      },
    });
  });

  it('maps statuses and codes as OpenAI does', () => {
    expect(new ModelNotFoundError('gpt-9').toEnvelope().error).toMatchObject({
      code: 'model_not_found',
      param: 'model',
    });
    expect(new RateLimitError('slow down', 2.2).headers['retry-after']).toBe('3');
    expect(new UpstreamError(503, 'all keys exhausted').code).toBe('service_unavailable');
    expect(new UpstreamError(504, 'timeout').status).toBe(504);
  });

  it('renders Nest router 404s as unknown URLs and other HttpExceptions by status', () => {
    const notFound = toApiError(new NotFoundException('Cannot GET /v1/x'), 'GET', '/v1/x').error;
    expect(notFound.toEnvelope().error).toEqual({
      message: 'Unknown request URL: GET /v1/x.',
      type: 'invalid_request_error',
      code: 'unknown_url',
      param: null,
    });
    expect(toApiError(new BadRequestException('nope'), 'GET', '/').error.status).toBe(400);
  });

  it('maps body-parser failures', () => {
    expect(
      toApiError({ type: 'entity.parse.failed', status: 400 }, 'POST', '/').error.toEnvelope().error.code,
    ).toBe('invalid_json');
    const big = toApiError({ type: 'entity.too.large', status: 413, limit: 10 }, 'POST', '/').error;
    expect(big.status).toBe(413);
    expect(big.message).toContain('10 bytes');
  });

  it('turns anything else into a 500 with no internals', () => {
    const { error, unexpected } = toApiError(
      new TypeError('cannot read x of undefined at /srv/secret.ts'),
      'GET',
      '/',
    );
    expect(unexpected).toBe(true);
    expect(error.status).toBe(500);
    expect(error.message).not.toContain('secret');
  });
});
