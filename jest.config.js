/** Jest: ts-jest without type-checking (tsc --noEmit does that once, in .ci/run). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFiles: ['<rootDir>/__tests__/support/setup.ts'],
  testTimeout: 60000,
};
