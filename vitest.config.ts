import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Unit and integration tests. Integration tests open a fresh database per file:
// a new PostgreSQL schema when TEST_DATABASE_URL is set, else in-memory PGlite (tests/support/db.ts).
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['lib/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
