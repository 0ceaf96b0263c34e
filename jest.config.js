// Two projects: `unit` (specs beside the code; no database, real HTTP allowed in-process) and
// `integration` (*.e2e-spec.ts: boots the gateway against the real Postgres or PGlite).
// Jest runs in native ESM mode (NestJS 12 ships ESM only); swc compiles TypeScript with the
// same options as the build.
import { swcOptions } from './scripts/swc-options.mjs';

const { jsc, module } = swcOptions();
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc, module, sourceMaps: 'inline' }] },
  moduleNameMapper: {
    '^@switchyard/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^@switchyard/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/apps/admin/'],
};

export default {
  // A global option: inside a project Jest ignores it, and hooks then time out at 5 s, which a
  // gateway boot on a busy 2-core machine can take.
  testTimeout: 30_000,
  // On a 2-core machine Jest would run every file in band, in its own process, where the module
  // graphs of ESM test files (vm modules) are never freed: the heap grew by ~40-100 MB a file,
  // past 5 GB over the suite. With a memory limit Jest runs the files in one worker instead and
  // replaces it after any file that leaves it above the limit.
  workerIdleMemoryLimit: '1536MB',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
  ],
};
