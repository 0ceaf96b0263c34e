import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MAIN = resolve(import.meta.dirname, '../../dist/apps/gateway/src/main.js');

export interface GatewayProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** Every line printed so far (stdout and stderr). */
  lines: string[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Runs the built gateway (dist/) as a real process with exactly `env` (plus PATH), in an empty
 * working directory so no `.env` is read, with `nodeArgs` before the script (V8 flags). Resolves
 * once it prints its listening line.
 */
export async function spawnGateway(
  env: Record<string, string>,
  timeoutMs = 30_000,
  nodeArgs: string[] = [],
): Promise<GatewayProcess> {
  const cwd = mkdtempSync(join(tmpdir(), 'sy-proc-'));
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`gateway did not start:\n${lines.join('\n')}`)), timeoutMs);
    const check = () => {
      for (const line of lines) {
        const m = /listening on (http:\/\/[^\s]+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          return res(m[1]!.replace('localhost', '127.0.0.1'));
        }
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`gateway exited with ${code}:\n${lines.join('\n')}`));
    });
  });
  return { child, url, lines, exited };
}

/** Runs the built gateway expecting it to exit (e.g. on bad config); returns code and output. */
export async function runGatewayToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'sy-proc-'));
  const child = spawn(process.execPath, [MAIN], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  return { code, output };
}
