import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'apps/admin/dist/**',
      'apps/admin/src/api/schema.d.ts',
      'bench-results/**',
      // V8 natives syntax (%HaveSameMap), loaded only with --allow-natives-syntax.
      'test/fixtures/hidden-classes.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Libs are reached only through their public index, never by reaching into another lib's files.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/libs/*/src/**', '../../libs/**'],
              message: 'Import a lib through @switchyard/<lib>.',
            },
          ],
        },
      ],
    },
  },
  {
    // Dependencies flow one way: feature libs -> orchestration -> routing -> providers -> core.
    files: ['libs/orchestration/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/libs/*/src/**', '../../libs/**'],
              message: 'Import a lib through @switchyard/<lib>.',
            },
            {
              group: [
                '@switchyard/chat',
                '@switchyard/chat/*',
                '@switchyard/embeddings',
                '@switchyard/images',
                '@switchyard/audio',
                '@switchyard/files',
                '@switchyard/credits',
                '@switchyard/key-vault',
              ],
              message:
                'Orchestration sits below the feature libs: it reaches them only through ports (StepRunner).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The console (React, in the browser): its own tsconfig, browser globals, no lib boundaries.
    files: ['apps/admin/**/*.ts', 'apps/admin/**/*.tsx'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': 'off',
      // Mutations and navigation are fire-and-forget from event handlers; errors surface in their state.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    files: ['apps/admin/**/*.test.ts', 'apps/admin/**/*.test.tsx', 'apps/admin/src/test/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  prettier,
);
