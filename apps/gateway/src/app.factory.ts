import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { apiKeyPrecheck, ApiKeysService, InvalidKeyTarpit } from '@switchyard/auth';
import { AppConfig, configureHttp, type CoreConfigOptions } from '@switchyard/core';
import { AppModule } from './app.module.js';
import { setupSwagger } from './swagger.js';

/** Builds a fully configured gateway (not yet listening). main.ts and the tests both use this. */
export async function createApp(options: CoreConfigOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(await AppModule.forRoot(options), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  // Forged API keys are refused before their request bodies are read.
  configureHttp(app, {
    beforeV1Body: [apiKeyPrecheck(app.get(ApiKeysService), app.get(InvalidKeyTarpit))],
  });
  if (app.get(AppConfig).http.swagger) setupSwagger(app);
  return app;
}
