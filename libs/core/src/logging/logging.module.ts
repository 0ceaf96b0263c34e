import { hostname } from 'node:os';
import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config.js';
import { requestLogMixin } from '../http/request-context.js';
import { requestIdFor } from '../http/request-id.js';
import { REDACT_PATHS } from './redaction.js';

/**
 * Structured JSON logs through nestjs-pino. Every line of a request carries its request id;
 * credentials are redacted wherever they appear in a logged object.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // /v1 is logged by requestContextMiddleware (no child logger per call; see there).
        exclude: [{ path: 'v1/{*path}', method: RequestMethod.ALL }],
        pinoHttp: {
          mixin: requestLogMixin,
          level: config.log.level,
          genReqId: requestIdFor,
          autoLogging: config.log.requests
            ? { ignore: (req) => req.url?.startsWith('/api/v1/health') === true }
            : false,
          // On every line, bound once rather than as a child logger per request.
          base: { pid: process.pid, hostname: hostname(), service: 'switchyard' },
          redact: { paths: REDACT_PATHS, censor: '[redacted]' },
          // pino-http binds the request to a child logger on every request, serialized at once:
          // id, method and URL only (headers cost a copy and a redaction pass per call).
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              url: req.url,
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          transport:
            config.log.format === 'pretty'
              ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
              : undefined,
        },
      }),
    }),
  ],
})
export class LoggingModule {}
