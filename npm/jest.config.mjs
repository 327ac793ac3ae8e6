// Jest runs the suite as native ES modules (`npm test` passes
// --experimental-vm-modules); nothing is transformed.
export default {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.mjs'],
  moduleFileExtensions: ['mjs', 'js', 'cjs', 'json'],
  transform: {},
  // The machine is shared: at most two test files at a time. The long
  // stream test runs in a child process of its own (see
  // test/stream-large.test.mjs), so two workers keep both cores busy.
  maxWorkers: 2,
  // Per test; the slow tests set their own, larger limits.
  testTimeout: 120_000,
  slowTestThreshold: 30,
};
