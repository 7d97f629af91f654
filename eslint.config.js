import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'data/**', 'test-output/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['scripts/**/*.mjs', 'bin/**/*.js'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    // A module is entered through its index.ts only (DESIGN.md, "Rules that keep it easy to change").
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(\\.\\./)+(access|catalog|ingest|exchange|ledger|purpose|quality|portal|vault|cockpit)/(?!index\\.js$)',
              message: 'Import another module through its index.js only.',
            },
            {
              regex: '^(\\.\\./)+(http|cli)/',
              message: 'Only cli/ imports the composition root http/; nothing imports cli/.',
            },
          ],
        },
      ],
    },
  },
);
