import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { REDACT_PATHS } from './redaction.js';

describe('log redaction', () => {
  it('censors credentials wherever a logged object carries them', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    log.info(
      {
        req: { headers: { authorization: 'Bearer sk-sy-secret1', 'x-provider-key': 'sk-secret2' } },
        vault: { apiKey: 'sk-secret3', token: 'secret4' },
        upstream: { headers: { authorization: 'Bearer secret5' } },
      },
      'hello',
    );
    const text = lines.join('');
    for (const secret of ['secret1', 'secret2', 'secret3', 'secret4', 'secret5'])
      expect(text).not.toContain(secret);
    expect(text.match(/\[redacted\]/g)).toHaveLength(5);
  });
});
