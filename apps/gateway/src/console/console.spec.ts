import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { consoleDirectory, entryPage } from './console.js';

describe('the entry page', () => {
  it('is the console when it is built, else the API docs, else nothing', () => {
    expect(entryPage({ console: true, swagger: true })).toBe('/admin');
    expect(entryPage({ console: true, swagger: false })).toBe('/admin');
    expect(entryPage({ console: false, swagger: true })).toBe('/docs');
    expect(entryPage({ console: false, swagger: false })).toBeUndefined();
  });

  it('finds the console only where a build left its index.html', () => {
    const root = mkdtempSync(join(tmpdir(), 'sy-console-'));
    try {
      const built = join(root, 'dist', 'admin');
      const sources = join(root, 'apps', 'admin');
      mkdirSync(sources, { recursive: true });
      expect(consoleDirectory([built, sources])).toBeUndefined();
      mkdirSync(built, { recursive: true });
      writeFileSync(join(built, 'index.html'), '<!doctype html>');
      expect(consoleDirectory([built, sources])).toBe(built);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
