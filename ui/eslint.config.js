import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  { ignores: ['dist/', 'dist-e2e/', 'node_modules/'] },
  js.configs.recommended,
  ...ts.configs.strict,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['tools/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  {
    // The kiosk reaches Tauri through kiosk-api.ts alone, so the browser tests can stand in for it.
    files: ['src/**', 'e2e/**'],
    ignores: ['src/kiosk/tauri.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tauri-apps/*'],
              message: 'Call the kiosk through src/kiosk/kiosk-api.ts; only src/kiosk/tauri.ts imports Tauri.',
            },
          ],
        },
      ],
    },
  },
);
