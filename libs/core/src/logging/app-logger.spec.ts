import { describe, expect, it } from '@jest/globals';
import { AppLogger } from './app-logger.js';

function sink() {
  const out: string[] = [];
  return { out, destination: { write: (text: string) => out.push(text) } };
}

describe('AppLogger', () => {
  it('writes JSON lines with Nest contexts, merged objects, errors and redacted credentials', () => {
    const { out, destination } = sink();
    const sut = new AppLogger({ level: 'info', format: 'json', destination });
    sut.log('hello', 'Bootstrap');
    sut.error({ err: new Error('boom'), apiKey: 'sk-secret-1' }, 'adapter failed', 'UpstreamExecutor');
    sut.error('flush failed', 'Error: x\n    at f (a.js:1:1)', 'UsageRecorder');
    sut.debug('hidden at info', 'X');
    const lines = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 30, context: 'Bootstrap', msg: 'hello', service: 'switchyard' });
    expect(lines[1]).toMatchObject({
      level: 50,
      context: 'UpstreamExecutor',
      msg: 'adapter failed',
      apiKey: '[redacted]',
      err: { type: 'Error', message: 'boom' },
    });
    expect(lines[2]).toMatchObject({ msg: 'flush failed', err: { stack: 'Error: x\n    at f (a.js:1:1)' } });
    expect(out.join('')).not.toContain('sk-secret-1');
  });

  it("keeps Nest's start-up chatter (modules, routes) at debug", () => {
    const { out, destination } = sink();
    new AppLogger({ level: 'info', format: 'json', destination }).log(
      'AppModule dependencies initialized',
      'InstanceLoader',
    );
    expect(out).toEqual([]);
    const verbose = sink();
    new AppLogger({ level: 'debug', format: 'json', destination: verbose.destination }).log(
      'Mapped {/v1/models, GET} route',
      'RouterExplorer',
    );
    expect(JSON.parse(verbose.out[0]!)).toMatchObject({ level: 20, context: 'RouterExplorer' });
  });

  it('writes raw text into the same stream, after the lines before it', () => {
    const { out, destination } = sink();
    const sut = new AppLogger({ level: 'info', format: 'json', destination });
    sut.log('first');
    sut.write('BANNER\n');
    expect(out[1]).toBe('BANNER\n');
  });
});
