import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Browser tests: real Chromium (Debian) driven by playwright-core against the production build,
// served by `next start` with a freshly loaded demo region (e2e/global-setup.ts).
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    setupFiles: ['e2e/support/csp-guard.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
