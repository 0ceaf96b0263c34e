import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AppLogger } from './app-logger.js';

/**
 * Provides the {@link AppLogger}: structured logs through pino, every line of a request carrying
 * its request id, credentials redacted wherever they appear in a logged object.
 * `configureHttp` makes it Nest's logger and the access log.
 */
@Global()
@Module({
  providers: [
    {
      provide: AppLogger,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new AppLogger({ level: config.log.level, format: config.log.format }),
    },
  ],
  exports: [AppLogger],
})
export class LoggingModule {}
