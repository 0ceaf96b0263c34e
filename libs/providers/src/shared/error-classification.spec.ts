import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import { classifyAnthropicError } from '../anthropic/anthropic.errors.js';
import { geminiHttpError } from '../gemini/gemini.errors.js';
import { classifyOpenAIError } from '../openai-compatible/openai.errors.js';
import { CallScope } from './call-scope.js';
import { retryAfterMs } from './retry-after.js';
import { sanitize } from './sanitize.js';
import { transportError } from './transport-error.js';

// The classifiers are pure functions of what the SDKs throw; these cases are the ones the
// simulator cannot produce (codes and bodies only real providers send).

function scope(): CallScope {
  const s = new CallScope({ timeoutMs: 60_000 }, 'p');
  s.dispose();
  return s;
}

describe('retryAfterMs', () => {
  it('reads delta-seconds, HTTP dates and retry-after-ms', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }), now)).toBe(1500);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMs({ 'Retry-After': '3' }, now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    // Node's and undici's header records: lower-case names, repeated headers as arrays.
    expect(retryAfterMs({ 'retry-after': ['4', '9'] }, now)).toBe(4000);
    expect(retryAfterMs({ 'retry-after-ms': '120', 'retry-after': undefined }, now)).toBe(120);
  });
});

describe('sanitize', () => {
  it('removes the call key and anything shaped like a credential', () => {
    const text =
      'bad key my-secret-value-1 sent as Bearer abc.def and ?key=AIzaSyA1234567890abcdefghij and sk-proj-1234567890abcdef, x-api-key: zzz';
    const clean = sanitize(text, ['my-secret-value-1']);
    for (const leaked of ['my-secret-value-1', 'abc.def', 'AIzaSy', 'sk-proj-1234', 'zzz']) {
      expect(clean).not.toContain(leaked);
    }
    expect(sanitize('x'.repeat(2000)).length).toBeLessThan(600);
  });
});

describe('OpenAI classification', () => {
  const generate = (status: number | undefined, error: object, headers: Record<string, string> = {}) =>
    OpenAI.APIError.generate(status, { error }, undefined, new Headers(headers));

  it.each([
    [429, { code: 'insufficient_quota', type: 'insufficient_quota', message: 'out of credit' }, 'quota'],
    [400, { code: 'context_length_exceeded', message: 'too long' }, 'context_length'],
    [400, { code: 'content_filter', message: 'filtered' }, 'content_filter'],
    [400, { code: 'content_policy_violation', message: 'filtered' }, 'content_filter'],
    [401, { code: 'invalid_api_key', message: 'Incorrect API key provided: sk-abc' }, 'auth'],
    [404, { code: 'model_not_found', message: 'no model' }, 'not_found'],
    [422, { message: 'unprocessable' }, 'bad_request'],
    [502, { message: 'bad gateway' }, 'server'],
  ])('%i %j is %s', (status, body, kind) => {
    expect(classifyOpenAIError(generate(status, body), scope(), []).kind).toBe(kind);
  });

  it('classifies errors sent inside a stream by their type', () => {
    // What the SDK throws for an `error` frame mid-stream: no status.
    const error = new OpenAI.APIError(
      undefined,
      { type: 'server_error', message: 'boom' },
      undefined,
      new Headers(),
    );
    expect(classifyOpenAIError(error, scope(), [])).toMatchObject({
      kind: 'server',
      upstreamStatus: undefined,
    });
  });

  it('keeps the retry hint, the request id and the param, and never the key', () => {
    const error = generate(
      429,
      { code: 'rate_limit_exceeded', message: 'slow down, key sk-live-0123456789abcdef', param: 'model' },
      { 'retry-after': '7', 'x-request-id': 'req_9' },
    );
    const classified = classifyOpenAIError(error, scope(), ['sk-live-0123456789abcdef']);
    expect(classified).toMatchObject({
      kind: 'rate_limit',
      retryAfterMs: 7000,
      upstreamRequestId: 'req_9',
      param: 'model',
    });
    expect(classified.message).not.toContain('sk-live');
  });
});

describe('Anthropic classification', () => {
  const generate = (status: number | undefined, type: string, message: string, details?: object) =>
    Anthropic.APIError.generate(
      status,
      { type: 'error', error: { type, message, ...(details ? { details } : {}) } },
      undefined,
      new Headers(),
    );

  it.each([
    [402, 'billing_error', 'credit balance too low', 'quota'],
    [529, 'overloaded_error', 'Overloaded', 'server'],
    [413, 'request_too_large', 'too large', 'bad_request'],
    [400, 'invalid_request_error', 'prompt is too long: 200001 tokens > 200000 maximum', 'context_length'],
    [400, 'invalid_request_error', 'messages: roles must alternate', 'bad_request'],
  ])('%s %s is %s', (status, type, message, kind) => {
    expect(classifyAnthropicError(generate(status, type, message), scope(), []).kind).toBe(kind);
  });

  it('classifies an error event inside a stream by its type', () => {
    const body = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const error = new Anthropic.APIError(undefined, body, undefined, new Headers());
    expect(classifyAnthropicError(error, scope(), [])).toMatchObject({
      kind: 'server',
      upstreamCode: 'overloaded_error',
    });
  });

  it('prefers a stable error_code over the wording', () => {
    const error = generate(400, 'invalid_request_error', 'anything', { error_code: 'prompt_too_long' });
    expect(classifyAnthropicError(error, scope(), [])).toMatchObject({
      kind: 'context_length',
      upstreamCode: 'prompt_too_long',
    });
  });
});

describe('Gemini classification', () => {
  it('treats an invalid key reason as auth even on a 400', () => {
    const body = {
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'API key not valid.',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      },
    };
    expect(geminiHttpError(400, body, undefined, 'gemini', [])).toMatchObject({
      kind: 'auth',
      upstreamCode: 'API_KEY_INVALID',
    });
  });

  it('reads RetryInfo from RESOURCE_EXHAUSTED', () => {
    const body = {
      error: {
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        message: 'Quota exceeded',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '17s' }],
      },
    };
    expect(geminiHttpError(429, body, undefined, 'gemini', [])).toMatchObject({
      kind: 'rate_limit',
      retryAfterMs: 17_000,
    });
  });

  it('uses the rpc status over the HTTP status, and the message only to refine a 400', () => {
    const unavailable = {
      error: { code: 503, status: 'UNAVAILABLE', message: 'The input token count exceeds' },
    };
    expect(geminiHttpError(503, unavailable, undefined, 'gemini', []).kind).toBe('server');
    const tooLong = {
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'The input token count (5) exceeds the maximum number of tokens allowed (4).',
      },
    };
    expect(geminiHttpError(400, tooLong, undefined, 'gemini', []).kind).toBe('context_length');
    expect(geminiHttpError(502, null, undefined, 'gemini', []).kind).toBe('server');
  });
});

describe('transportError', () => {
  it('tells connection failures from faults of the adapter itself', () => {
    const cut = Object.assign(new TypeError('terminated'), { cause: { code: 'UND_ERR_SOCKET' } });
    expect(transportError(cut, 'p', [])).toMatchObject({ kind: 'network', upstreamCode: 'UND_ERR_SOCKET' });
    expect(transportError(new SyntaxError('Unexpected end of JSON input'), 'p', [])).toMatchObject({
      kind: 'network',
      upstreamCode: 'malformed_response',
    });
    expect(
      transportError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'p', []).kind,
    ).toBe('timeout');
    expect(
      transportError(new TypeError("Cannot read properties of undefined (reading 'x')"), 'p', []),
    ).toMatchObject({
      kind: 'server',
      upstreamCode: 'adapter_error',
    });
  });
});
