import { describe, expect, it } from '@jest/globals';
import { ConfigValidationError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const sut = loadConfig({});
    expect(sut.http.port).toBe(8080);
    expect(sut.embeddedDatabase).toBe(true);
    expect(sut.http.maxBodyBytes).toBe(20 * 1024 * 1024);
    expect(sut.http.maxApiBodyBytes).toBe(1024 * 1024);
    expect(sut.http.corsOrigins).toBe(false);
    expect(sut.redisUrl).toBeUndefined();
    expect(sut.dataDir).toMatch(/\/data$/);
  });

  it('parses typed values', () => {
    const sut = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://u@db:5432/sy',
      REDIS_URL: 'redis://cache:6379',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      TRUST_PROXY: '1',
      DATABASE_SSL: 'true',
      SWAGGER_ENABLED: 'false',
      PUBLIC_URL: 'https://gw.example.com/',
    });
    expect(sut.http.port).toBe(9000);
    expect(sut.embeddedDatabase).toBe(false);
    expect(sut.database).toEqual({
      url: 'postgres://u@db:5432/sy',
      poolSize: 10,
      idleTimeoutSeconds: 600,
      ssl: true,
      migrate: true,
      preparedStatements: true,
    });
    expect(sut.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(sut.http.trustProxy).toBe(1);
    expect(sut.http.swagger).toBe(false);
    expect(sut.http.publicUrl).toBe('https://gw.example.com');
  });

  it('treats empty optional URLs as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: ' ' }).embeddedDatabase).toBe(true);
  });

  it('names every bad variable once, with what it expects and what it got', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '99999', DATABASE_SSL: 'maybe', REDIS_URL: 'http://x', LOG_FORMAT: 'xml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const { problems } = error as ConfigValidationError;
    expect(problems).toEqual([
      'PORT must not be greater than 65535 (got "99999")',
      'DATABASE_SSL must be true or false (got "maybe")',
      'REDIS_URL must be a redis:// or rediss:// URL (got "http://x")',
      'LOG_FORMAT must be json or pretty (got "xml")',
    ]);
  });

  it('keeps idle database connections 10 minutes unless told otherwise; 0 keeps them for good', () => {
    expect(loadConfig({}).database.idleTimeoutSeconds).toBe(600);
    expect(loadConfig({ DATABASE_IDLE_TIMEOUT_SECONDS: '0' }).database.idleTimeoutSeconds).toBe(0);
    expect(() => loadConfig({ DATABASE_IDLE_TIMEOUT_SECONDS: '-1' })).toThrow(
      'DATABASE_IDLE_TIMEOUT_SECONDS must not be less than 0 (got "-1")',
    );
    expect(() => loadConfig({ DATABASE_IDLE_TIMEOUT_SECONDS: '86401' })).toThrow(
      'DATABASE_IDLE_TIMEOUT_SECONDS must not be greater than 86400 (got "86401")',
    );
  });
});
