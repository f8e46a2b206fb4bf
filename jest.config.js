// file-type 21 and its dependencies ship ESM only: jest maps file-type to its Node entry and lets @swc/jest compile them to CommonJS.
// So do the base32 and hash packages under otplib (two-factor sign-in).
const esmOnlyPackages = [
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer/inflate',
  'uint8array-extras',
  '@borewit/text-codec',
  '@scure/base',
  '@noble/hashes',
  '@otplib/plugin-crypto-noble',
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: { '^file-type$': '<rootDir>/node_modules/file-type/index.js' },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  maxWorkers: 2,
  testTimeout: 30_000,
};
