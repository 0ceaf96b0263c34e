import { hostname } from 'node:os';
import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import { requestLogMixin } from '../http/request-context.js';
import { prettyStream } from './pretty.js';
import { REDACT_PATHS } from './redaction.js';

export interface AppLoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  /** Where lines go; stdout (asynchronous, flushed at exit) when omitted. Tests pass a sink. */
  destination?: DestinationStream;
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's own start-up chatter (a line per module and per route, ~130 lines) is debug here, so
 * the start-up output at info is the few lines a person reads.
 */
const CHATTY_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/**
 * The gateway's logger: one pino instance (JSON lines, or one pretty line per event for a
 * terminal), with credentials redacted, every line of a request carrying its id (a mixin reading
 * the request context, so no child logger per request), and Nest's `LoggerService` on top, so
 * `new Logger(Context)` in any service writes through it.
 */
export class AppLogger implements LoggerService {
  readonly pino: Logger;
  private readonly out: DestinationStream;

  constructor(options: AppLoggerOptions) {
    const target = options.destination ?? pino.destination({ dest: 1, sync: false });
    this.out = target;
    this.pino = pino(
      {
        level: options.level,
        base: { pid: process.pid, hostname: hostname(), service: 'switchyard' },
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        mixin: requestLogMixin,
      },
      options.format === 'pretty'
        ? prettyStream(target, !options.destination && process.stdout.isTTY === true)
        : target,
    );
  }

  /** Writes text as it is into the log stream, after every line logged before it (the banner). */
  write(text: string): void {
    this.out.write(text);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.emit('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('fatal', message, params);
  }

  /**
   * Nest calls `log(message, context)` and `error(message, stack, context)`, with the context of a
   * `new Logger(Context)` last. A message may also be an object merged into the line (then a
   * string after it is the message, as with pino: `error({ err }, 'what failed')`) or an Error.
   */
  private emit(wanted: Level, message: unknown, params: unknown[]): void {
    const rest = params.filter((p) => p !== undefined);
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? rest.pop() : undefined;
    const level = wanted === 'info' && CHATTY_CONTEXTS.has(context as string) ? 'debug' : wanted;
    if (!this.pino.isLevelEnabled(level)) return;
    const line: Record<string, unknown> = context ? { context } : {};
    const text = rest.find((p): p is string => typeof p === 'string');
    const error = rest.find((p): p is Error => p instanceof Error);
    let msg: string | undefined;
    if (message instanceof Error) {
      line.err = message;
      msg = text ?? message.message;
    } else if (typeof message === 'object' && message !== null) {
      const { msg: inner, ...fields } = message as Record<string, unknown>;
      Object.assign(line, fields);
      msg = text ?? (typeof inner === 'string' ? inner : undefined);
    } else {
      msg = String(message);
      // error(message, stack): the stack of an error the caller caught.
      if (text) line.err = { stack: text };
    }
    if (error && !line.err) line.err = error;
    this.pino[level](line, msg);
  }
}
