import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { captureRequestContext } from './request-context.js';
import { keepRawValues, RAW_JSON_MIN_BYTES } from './raw-json.js';

/**
 * `application/json`, alone or with `charset=utf-8`, in the forms body-parser's content-type
 * parser reads the same way (spaces only around `;` and `=`): the type nearly every SDK sends.
 */
const PLAIN_JSON = /^application\/json *(?:; *charset *= *(?:utf-8|"utf-8") *)?$/i;
const DIGITS = /^[0-9]{1,15}$/;
/** RFC 7159 whitespace, then the first other character (as body-parser's strict check reads it). */
// eslint-disable-next-line no-control-regex
const FIRST_NON_WHITESPACE = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/;

type BodyRequest = IncomingMessage & { body?: unknown };

/** An error shaped as body-parser's (http-errors): `status`, `type` and the details it attaches. */
function bodyError(status: 400 | 413, message: string, props: Record<string, unknown>): Error {
  const error = new Error(message);
  error.name = status === 413 ? 'PayloadTooLargeError' : 'BadRequestError';
  return Object.assign(error, { status, statusCode: status, expose: true, ...props });
}

/** What on-finished calls a finished request: body-parser reads nothing from one. */
function isFinished(req: IncomingMessage): boolean {
  const socket = req.socket as IncomingMessage['socket'] | null;
  return Boolean(
    (req as { upgrade?: boolean }).upgrade || !socket || !socket.readable || (req.complete && !req.readable),
  );
}

/** Calls `done` once the request has been read off to its end (body-parser's `dump`). */
function dump(req: IncomingMessage, done: () => void): void {
  if (isFinished(req)) return done();
  let called = false;
  const once = (): void => {
    if (called) return;
    called = true;
    req.off('end', once);
    req.off('close', once);
    done();
  };
  req.on('end', once);
  req.on('close', once);
  req.resume();
}

/**
 * The text of the body, decoded as body-parser decodes UTF-8 (iconv-lite's decoder is Node's
 * StringDecoder, and it drops a leading byte order mark). `bytes` is the chunks joined: decoded
 * at once, valid UTF-8 gives what the decoder gives chunk by chunk, as one flat string (no
 * concatenation for JSON.parse to flatten again). Where a replacement character shows, the chunks
 * are decoded one by one as the decoder does, so an invalid sequence split across chunks decodes
 * exactly as body-parser decodes it.
 */
function decode(chunks: Buffer[], bytes: Buffer): string {
  let text = bytes.toString('utf8');
  if (chunks.length > 1 && text.includes('\ufffd')) {
    const decoder = new StringDecoder('utf8');
    text = '';
    for (const chunk of chunks) text += decoder.write(chunk);
    text += decoder.end();
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** body-parser's strict JSON parse: `{}` for an empty body, only an object or array at the top. */
function parseStrict(text: string): unknown {
  if (text.length === 0) return {};
  const first = text[0];
  if (first !== '{' && first !== '[') {
    const found = FIRST_NON_WHITESPACE.exec(text)?.[1];
    if (found !== '{' && found !== '[') {
      throw Object.assign(
        new SyntaxError(`Unexpected token '${found ?? ''}', JSON must be an object or array`),
        {
          status: 400,
          statusCode: 400,
          expose: true,
          body: text,
          type: 'entity.parse.failed',
        },
      );
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw Object.assign(err as Error, {
      status: 400,
      statusCode: 400,
      expose: true,
      body: text,
      type: 'entity.parse.failed',
    });
  }
}

/**
 * A JSON body reader for the common request (issue 20): `application/json` (UTF-8), a
 * Content-Length within `limit`, no content encoding. It reads the chunks, decodes once and
 * parses once, as body-parser does, with the same result in `req.body` and the same errors (type
 * and status: 400 `entity.parse.failed`, 400 `request.aborted`), but without body-parser's
 * per-request type negotiation, content-type parsing, async resource and decoder stream. Every
 * other request (another type or charset, gzip, chunked, empty, over the limit, already read)
 * goes to `fallback`, the body-parser middleware it stands in front of, untouched.
 */
export function leanJsonBody(fallback: RequestHandler, limit: number): RequestHandler {
  return (request: Request, res: Response, next: NextFunction): void => {
    const req = request as BodyRequest;
    const headers = req.headers;
    const type = headers['content-type'];
    const length = headers['content-length'];
    if (
      type === undefined ||
      (type !== 'application/json' && !PLAIN_JSON.test(type)) ||
      length === undefined ||
      !DIGITS.test(length) ||
      headers['content-encoding'] !== undefined ||
      headers['transfer-encoding'] !== undefined ||
      req.readableEncoding !== null ||
      !req.readable ||
      isFinished(req)
    ) {
      void fallback(request, res, next);
      return;
    }
    const expected = Number(length);
    if (expected === 0 || expected > limit) {
      void fallback(request, res, next);
      return;
    }

    if (!('body' in req)) req.body = undefined;
    // The events below come from the socket, outside the request's context: go back into it.
    const enter = captureRequestContext();
    const chunks: Buffer[] = [];
    let received = 0;
    let complete = false;

    const cleanup = (): void => {
      req.off('aborted', onAborted);
      req.off('close', cleanup);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onEnd);
    };
    const fail = (error: Error): void => {
      complete = true;
      cleanup();
      req.unpipe();
      req.pause();
      dump(req, () => enter(() => next(error)));
    };
    function onAborted(): void {
      if (complete) return;
      fail(
        bodyError(400, 'request aborted', {
          code: 'ECONNABORTED',
          expected,
          length: expected,
          received,
          type: 'request.aborted',
        }),
      );
    }
    function onData(chunk: Buffer): void {
      if (complete) return;
      received += chunk.length;
      if (received > limit) {
        fail(bodyError(413, 'request entity too large', { limit, received, type: 'entity.too.large' }));
      } else {
        chunks.push(chunk);
      }
    }
    function onEnd(error?: Error): void {
      if (complete) return;
      if (error) {
        // As http-errors marks a stream error that carries no status of its own.
        Object.assign(error, { status: 400, statusCode: 400, expose: true });
        return fail(error);
      }
      if (received !== expected) {
        return fail(
          bodyError(400, 'request size did not match content length', {
            expected,
            length: expected,
            received,
            type: 'request.size.invalid',
          }),
        );
      }
      complete = true;
      cleanup();
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
      const text = decode(chunks, bytes);
      let body: unknown;
      try {
        body = parseStrict(text);
      } catch (err) {
        return enter(() => next(err));
      }
      // A large body's values can go upstream as these bytes (decision 0042).
      if (received >= RAW_JSON_MIN_BYTES) keepRawValues(bytes, text, body);
      req.body = body;
      enter(() => next());
    }

    req.on('aborted', onAborted);
    req.on('close', cleanup);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onEnd);
  };
}
