import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const appFolders = [
  '**/config/*',
  '**/db/*',
  '**/features/**',
  '**/http/*',
  '**/jobs/*',
  '**/cli/*',
  '**/main/*',
];

export default tseslint.config(
  {
    ignores: [
      '.scratch*/**',
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'test-output/**',
      'bench/out/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        structuredClone: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Only src/main/ and src/config/ read process.env; take a Config instead.',
        },
      ],
    },
  },
  {
    // Only route files import fastify; services, repositories, db and config stay framework-free.
    files: ['src/db/**', 'src/config/**', 'src/**/*.service.ts', 'src/**/*.repository.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['fastify'] }] },
  },
  {
    // The direction of imports is the architecture: engine/ and lib/ never import the app.
    files: ['src/engine/**', 'src/lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: appFolders.concat(['fastify', 'kysely', 'pg', 'ioredis']),
              message:
                'engine/ and lib/ must not import the app (config, db, features, http, jobs, cli, main) or its frameworks.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**', 'src/config/**', 'test/**', 'bench/**', '**/*.test.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
