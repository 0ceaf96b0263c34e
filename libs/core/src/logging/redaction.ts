/**
 * Paths pino censors in every log line: credentials in headers and in any logged object.
 * Provider keys and Switchyard API keys must never reach a log, whatever logs them.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-provider-key"]',
  'req.headers["x-goog-api-key"]',
  'res.headers["set-cookie"]',
  // Top-level fields of a logged object (logger.warn({ token }, ...)) and one level down.
  'password',
  'newPassword',
  'apiKey',
  'api_key',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'providerKey',
  'authorization',
  '*.password',
  '*.newPassword',
  '*.apiKey',
  '*.api_key',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.providerKey',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
];
