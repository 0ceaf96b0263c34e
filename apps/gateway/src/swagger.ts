import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Switchyard')
    .setDescription(
      'Self-hosted, multi-tenant, OpenAI-compatible AI gateway. The OpenAI-compatible API lives under `/v1`; ' +
        'the management API under `/api/v1`. Errors always use the OpenAI envelope ' +
        '`{"error":{"message","type","code","param"}}`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'A JWT access token or a Switchyard API key',
    })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs and the OpenAPI document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Switchyard API',
    swaggerOptions: { persistAuthorization: true },
  });
}
