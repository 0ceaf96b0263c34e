// Micro-benchmark of the OpenAI-compatible adapter's upstream transport: the client-side CPU time
// per call of the undici transport (the adapter as shipped) against the openai SDK path it
// replaced for chat, streams and embeddings (the SDK call wrapped exactly as the adapter wrapped it).
// Sequential calls to the provider simulator, which runs in a child process so that only the
// caller's CPU is measured (process.cpuUsage, user + system).
//
//   npm run build && node bench/openai-transport.mjs [mode ...]
//   modes: sdk, undici (default both, each in a fresh process); BENCH_CALLS (default 2000),
//   BENCH_STREAMS (default 500); BENCH_DIST=<dir> to use another build output than dist/.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = resolve(process.env.BENCH_DIST ?? resolve(ROOT, 'dist'));
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 500);
const WARMUP = 300;
const load = (path) => import(pathToFileURL(resolve(DIST, path)).href);

const PROMPT = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
const CHAT = { model: 'sim-gpt', messages: [{ role: 'user', content: PROMPT }], max_tokens: 16 };
const STREAM = { ...CHAT, stream: true, stream_options: { include_usage: true } };
const EMBED = { model: 'sim-embed', input: ['alpha beta gamma', 'delta epsilon'], dimensions: 256 };

/** The adapter's former hot path: the SDK client per credentials, our CallScope, the SDK error classifier. */
async function sdkPath() {
  const { CallScope } = await load('libs/providers/src/shared/call-scope.js');
  const { ClientCache } = await load('libs/providers/src/shared/client-cache.js');
  const { createOpenAIClient } = await load('libs/providers/src/openai-compatible/openai-client.factory.js');
  const { classifyOpenAIError } = await load('libs/providers/src/openai-compatible/openai.errors.js');
  const clients = new ClientCache(createOpenAIClient);
  const req = (scope, opts) => {
    const headers = { ...opts.headers };
    if (opts.requestId) headers['x-client-request-id'] = opts.requestId;
    return { signal: scope.signal, timeout: opts.timeoutMs, maxRetries: 0, headers };
  };
  const call = async (creds, opts, run) => {
    const scope = new CallScope(opts, 'openai');
    try {
      return await run(clients.get(creds), req(scope, opts));
    } catch (error) {
      throw classifyOpenAIError(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
    }
  };
  async function* relay(creds, opts, open) {
    const scope = new CallScope(opts, 'openai');
    try {
      const stream = await open(clients.get(creds), req(scope, opts));
      scope.arm();
      for await (const chunk of stream) {
        scope.pause();
        yield chunk;
        scope.arm();
      }
    } catch (error) {
      throw classifyOpenAIError(error, scope, [creds.apiKey]);
    } finally {
      scope.dispose();
    }
  }
  return {
    chat: (body, creds, opts) => call(creds, opts, (c, r) => c.chat.completions.create(body, r)),
    chatStream: (body, creds, opts) => relay(creds, opts, (c, r) => c.chat.completions.create(body, r)),
    embeddings: (body, creds, opts) => call(creds, opts, (c, r) => c.embeddings.create(body, r)),
  };
}

async function undiciPath() {
  const { OpenAICompatibleAdapter } = await load(
    'libs/providers/src/openai-compatible/openai-compatible.adapter.js',
  );
  return new OpenAICompatibleAdapter();
}

function cpuMs(since) {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
}

async function measure(name, n, run) {
  for (let i = 0; i < Math.min(WARMUP, n); i++) await run(i);
  globalThis.gc?.();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < n; i++) await run(i);
  const wall = performance.now() - started;
  const used = cpuMs(cpu);
  return {
    name,
    calls: n,
    cpuUsPerCall: Math.round((used * 1000) / n),
    wallUsPerCall: Math.round((wall * 1000) / n),
  };
}

async function child(mode, url) {
  const adapter = mode === 'sdk' ? await sdkPath() : await undiciPath();
  const creds = { apiKey: 'sk-bench-0123456789abcdef', baseUrl: `${url}/v1` };
  const opts = { timeoutMs: 10_000, requestId: 'bench-req' };
  const results = [];
  results.push(await measure('chat', CALLS, () => adapter.chat(CHAT, creds, opts)));
  results.push(
    await measure('chatStream', STREAMS, async () => {
      let chunks = 0;
      for await (const _chunk of adapter.chatStream(STREAM, creds, opts)) chunks++;
      if (chunks < 3) throw new Error('short stream');
    }),
  );
  results.push(await measure('embeddings', CALLS / 2, () => adapter.embeddings(EMBED, creds, opts)));
  await adapter.close?.();
  process.stdout.write(`${JSON.stringify({ mode, results })}\n`);
}

function run(args, env = {}) {
  return new Promise((res, rej) => {
    const proc = spawn(process.execPath, ['--expose-gc', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (c) => (out += c));
    proc.on('exit', (code) => (code === 0 ? res(out) : rej(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

async function main() {
  if (process.env.BENCH_CHILD) return child(process.env.BENCH_CHILD, process.env.BENCH_SIM_URL);
  const { startSimulator } = await load('apps/simulator/src/index.js');
  // The simulator in this (parent) process; each mode measures in its own fresh child process.
  const sim = await startSimulator({ record: false });
  try {
    const modes = process.argv.slice(2).length ? process.argv.slice(2) : ['sdk', 'undici'];
    for (const mode of modes) {
      const out = await run([import.meta.filename], { BENCH_CHILD: mode, BENCH_SIM_URL: sim.url });
      const { results } = JSON.parse(out.trim().split('\n').at(-1));
      for (const r of results) {
        console.log(
          `${mode.padEnd(7)} ${r.name.padEnd(11)} ${String(r.calls).padStart(5)} calls  ` +
            `${String(r.cpuUsPerCall).padStart(5)} µs CPU/call  ${String(r.wallUsPerCall).padStart(5)} µs wall/call`,
        );
      }
    }
  } finally {
    await sim.close();
  }
}

await main();
