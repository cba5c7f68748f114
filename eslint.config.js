import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-bench/**', '.ledger/**', 'coverage/**', '*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='parseFloat']", message: 'Money is never a float: use Money/Decimal from libs/money.' },
      ],
    },
  },
  {
    // The domain is pure: no clock, no randomness (docs/architecture.md, Conventions 1). Time and ids arrive in
    // commands.
    files: ['libs/billing/**/*.ts', 'libs/money/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The domain is pure: time arrives inside the command.' },
        { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'The domain is pure: time arrives inside the command.' },
        { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'The domain is pure: ids arrive inside the command.' },
        { selector: "CallExpression[callee.name='parseFloat']", message: 'Money is never a float.' },
      ],
    },
  },
);
