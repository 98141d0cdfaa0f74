// Lint for the TypeScript sources. Core stays free of @actions/* except in its adapter folders
// (the runner, GitHub's API, processes).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/**', 'coverage/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart']
    }
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/action/**', 'packages/core/src/github/**', 'packages/core/src/exec/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@actions/*'],
              message:
                'core logic gets effects passed in; only src/action, src/github and src/exec touch @actions/*'
            }
          ]
        }
      ]
    }
  }
);
