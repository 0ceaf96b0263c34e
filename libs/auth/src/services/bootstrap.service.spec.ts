import { describe, expect, it } from '@jest/globals';
import { banner } from './bootstrap.service.js';

describe('the first-start banner', () => {
  const login = 'http://localhost:8080/api/v1/auth/login';

  it('names the password and where to sign in: the console and the docs', () => {
    const text = banner('admin@switchyard.local', 'pw123', {
      console: 'http://localhost:8080/admin',
      docs: 'http://localhost:8080/docs',
      login,
    });
    expect(text).toContain('password: pw123');
    expect(text).toContain('console:  http://localhost:8080/admin');
    expect(text).toContain('API docs: http://localhost:8080/docs');
  });

  it('sends a person to the docs while the console is not built, and to the login endpoint without docs', () => {
    const docsOnly = banner('a@b.c', 'pw', { docs: 'http://gw.example/docs', login });
    expect(docsOnly).not.toContain('console:');
    expect(docsOnly).toMatch(/API docs: http:\/\/gw\.example\/docs {2}\(Authorize, then sign in\)/);
    expect(banner('a@b.c', 'pw', { login })).toContain(`log in:   POST ${login}`);
  });
});
