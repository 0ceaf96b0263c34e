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
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'A JWT access token, or a Switchyard API key (sk-sy-...)',
      },
      'bearer',
    )
    // The Authorize dialog's username/password form posts to the token endpoint (OAuth2 password flow).
    .addOAuth2(
      {
        type: 'oauth2',
        description: 'Log in with your email and password.',
        flows: { password: { tokenUrl: '/api/v1/auth/token', refreshUrl: '/api/v1/auth/token', scopes: {} } },
      },
      'oauth2',
    )
    .addSecurityRequirements('oauth2')
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // An operation's own security list replaces the global one; let every secured operation take
  // either the Authorize dialog's OAuth2 login or a pasted bearer token.
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Array<{ security?: unknown[] }>) {
      if (operation && typeof operation === 'object' && Array.isArray(operation.security)) {
        operation.security = [{ oauth2: [] }, { bearer: [] }];
      }
    }
  }
  return document;
}

/** Swagger UI at /docs and the OpenAPI document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Switchyard API',
    swaggerOptions: { persistAuthorization: true },
  });
}
