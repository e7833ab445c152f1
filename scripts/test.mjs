#!/usr/bin/env node
// `npm test`: the whole suite, the same on a developer's machine and in CI (.ci/run).
// Installs what is missing (npm packages; Debian chromium), then: lint, type check, unit and
// integration tests (PostgreSQL when TEST_DATABASE_URL is set, else PGlite), production
// build, browser tests against the built app in Chromium. Each step has its own time limit.
//   npm test -- --skip-e2e       everything but the build and the browser tests
import { ensureChromium, ensureNpmPackages, log, nextBin, prismaGenerate, root, run } from './steps.mjs';
import path from 'node:path';

const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
const skipE2e = process.argv.includes('--skip-e2e');

async function step(name, fn) {
  const t0 = Date.now();
  log(`${name} …`);
  await fn();
  log(`${name}: ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

async function main() {
  const t0 = Date.now();
  await step('npm packages', ensureNpmPackages);
  if (!skipE2e) await step('chromium', ensureChromium);
  await step('prisma generate', prismaGenerate);
  await step('lint', () => run(process.execPath, [bin('eslint', 'bin/eslint.js'), '.', '--max-warnings=0'], { timeoutSec: 300 }));
  await step('type check', () => run(process.execPath, [bin('typescript', 'bin/tsc'), '--noEmit', '-p', '.'], { timeoutSec: 300 }));
  await step('unit and integration tests', () => run(process.execPath, [bin('vitest', 'vitest.mjs'), 'run'], { timeoutSec: 900 }));
  if (!skipE2e) {
    await step('production build', () => run(process.execPath, [nextBin(), 'build', '--webpack'], { timeoutSec: 900, env: { NEXT_TELEMETRY_DISABLED: '1' } }));
    await step('browser tests', () => run(process.execPath, [bin('vitest', 'vitest.mjs'), 'run', '-c', 'vitest.e2e.config.ts'], { timeoutSec: 1200 }));
  }
  log(`all tests passed in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
}

main().catch((e) => {
  console.error(`\n[yingyun] ${e.message}`);
  process.exit(1);
});
