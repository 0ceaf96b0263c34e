import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { environmentVariableNames } from './env.schema.js';

const root = resolve(import.meta.dirname, '../../../..');
const names = environmentVariableNames();

describe('configuration documentation', () => {
  it.each(names)('documents %s in docs/configuration.md and .env.example', (name) => {
    expect(readFileSync(resolve(root, 'docs/configuration.md'), 'utf8')).toContain(`\`${name}\``);
    expect(readFileSync(resolve(root, '.env.example'), 'utf8')).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});
