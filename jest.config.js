/** Jest runs in ESM mode because NestJS 12 ships ES modules only (see docs/architecture.md, "Other decisions"). */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/{apps,libs,projections,test}/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
  maxWorkers: 2,
  // ESM mode keeps every test file's module graph alive in its worker: without a limit a worker's heap grows over the
  // run until garbage collection dominates (unit specs that take 1 s alone took 30-40 s at the end of a full run).
  // A worker above this after a file is replaced by a fresh one.
  workerIdleMemoryLimit: '1GB',
  testTimeout: 60000,
  verbose: false,
};
