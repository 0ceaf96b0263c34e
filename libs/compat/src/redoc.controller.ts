import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@switchyard/auth';
import { AppConfig, NotFoundError } from '@switchyard/core';
import type { Response } from 'express';

const require = createRequire(import.meta.url);

/** ReDoc's self-contained browser bundle, from the `redoc` package (never a CDN). */
const BUNDLE = require.resolve('redoc/bundles/redoc.standalone.js');
/** The one URL off this origin the bundle holds: its sidebar's "API docs by Redocly" logo. */
const CDN_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const NO_LOGO = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E";

let bundle: Buffer | undefined;
/** Read once; the CDN logo swapped for an empty image, so the page makes no request elsewhere. */
function bundleBytes(): Buffer {
  bundle ??= Buffer.from(readFileSync(BUNDLE, 'utf8').replaceAll(CDN_LOGO, NO_LOGO));
  return bundle;
}

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard API (ReDoc)</title>
<link rel="icon" href="data:,">
</head>
<body>
<redoc spec-url="/docs-json"></redoc>
<script src="/redoc/redoc.standalone.js"></script>
</body>
</html>
`;

/**
 * ReDoc at /redoc over the same OpenAPI document as Swagger UI (/docs-json), as IndoxRouter and
 * Hyper AI Gateway served it. Off when Swagger is off (SWAGGER_ENABLED=false).
 */
@ApiExcludeController()
@Public()
@Controller('redoc')
export class RedocController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  page(@Res() res: Response): void {
    this.assertEnabled();
    // ReDoc's search index runs in a Web Worker it starts from a blob: URL.
    res.setHeader(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "worker-src 'self' blob:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'self'",
    );
    res.type('html').send(PAGE);
  }

  @Get('redoc.standalone.js')
  bundle(@Res() res: Response): void {
    this.assertEnabled();
    res.setHeader('cache-control', 'public, max-age=3600');
    res.type('application/javascript').send(bundleBytes());
  }

  private assertEnabled(): void {
    if (!this.config.http.swagger) throw new NotFoundError('The API documentation is turned off.');
  }
}
