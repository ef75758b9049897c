// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const HOOK_BOUNDARY =
  'The policy hook imports only src/hook/ and src/types/ (dist/hook must stay small and reviewable).'

/**
 * `no-restricted-imports` patterns for a file of the hook's bundle. A relative import may only
 * start with `allowed` (the hook's own folder as seen from the file) or `../types/`, and may not
 * climb back out after that; absolute paths and `@actions/*` (the runner's protocol, which the
 * hook, run by the CLI, has no use for) are refused.
 * @param {string} allowed regex source for the hook's own folder, relative to the file
 */
function hookImportPatterns(allowed) {
  return [
    { regex: `^(?!${allowed}|\\.\\./types/)\\.{1,2}/`, message: HOOK_BOUNDARY },
    { regex: '^\\.{1,2}/(?:.*/)?\\.\\.(?:/|$)', message: HOOK_BOUNDARY },
    { regex: '^(?:/|file:)', message: HOOK_BOUNDARY },
    { group: ['@actions/*'], message: HOOK_BOUNDARY },
  ]
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**', 'coverage/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/explicit-function-return-type': ['error', { allowExpressions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  // The policy hook's bundle (dist/hook) is src/hook/ and the plain types in src/types/, nothing
  // else: it runs for every tool call, outside the OS sandbox, and a reviewer reads it whole.
  {
    files: ['src/hook/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: hookImportPatterns('\\./') }],
    },
  },
  {
    files: ['src/bin/hook.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: hookImportPatterns('\\.\\./hook/') }],
    },
  },
  {
    files: ['__tests__/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/explicit-function-return-type': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
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
      },
    },
  },
)
