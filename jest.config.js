// Two projects: fast unit tests of the TypeScript sources, and action-tests that run the
// built bundles against real local services. Both run in Jest's ESM mode (the @actions/*
// packages are ESM-only), transformed by SWC.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' }
    }
  ]
};
const shared = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node'
};

export default {
  // Hooks that start real services take seconds; Jest reads this only at the top level.
  testTimeout: 180000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/packages/*/__tests__/**/*.test.ts',
        '<rootDir>/actions/*/__tests__/**/*.test.ts',
        '<rootDir>/demo/__tests__/**/*.test.ts'
      ]
    },
    {
      ...shared,
      displayName: 'action-tests',
      testMatch: ['<rootDir>/action-tests/**/*.test.ts'],
      // See action-tests/workflows/plain-chalk.cjs.
      moduleNameMapper: {
        ...shared.moduleNameMapper,
        '^chalk$': '<rootDir>/action-tests/workflows/plain-chalk.cjs'
      }
    }
  ]
};
