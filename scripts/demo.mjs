#!/usr/bin/env node
// `npm run demo`: install what is missing, prepare the embedded database with the demo region,
// build, serve on http://localhost:3000 and print links to open. Runs until Ctrl-C.
//   npm run demo -- --reset      reload the demo region from scratch
//   PORT=3100 npm run demo       another port
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildIsStale, ensureNpmPackages, log, nextBin, prismaGenerate, root, run, waitForHealth } from './steps.mjs';

const port = process.env.PORT || '3000';
const base = `http://localhost:${port}`;
const reset = process.argv.includes('--reset');

async function main() {
  await ensureNpmPackages();
  log('generating the database client …');
  await prismaGenerate();

  log(process.env.DATABASE_URL ? 'database: PostgreSQL (DATABASE_URL)' : 'database: embedded PGlite in .data/pglite');
  await run(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/demo/load.ts', reset ? '--reset' : '--if-empty'], { timeoutSec: 900 });

  if (buildIsStale()) {
    log('building the app (next build --webpack) …');
    await run(process.execPath, [nextBin(), 'build', '--webpack'], { timeoutSec: 900, env: { NEXT_TELEMETRY_DISABLED: '1' } });
  } else {
    log('the production build is up to date');
  }

  log(`starting the server on ${base} …`);
  const server = spawn(process.execPath, [nextBin(), 'start', '-p', port], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', YINGYUN_DEMO_LINKS: '1', YINGYUN_PUBLIC_URL: process.env.YINGYUN_PUBLIC_URL || base },
  });
  const stop = () => server.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));

  await waitForHealth(base, 120, server);
  const res = await fetch(`${base}/api/demo/links`);
  const links = res.ok ? await res.json() : { links: [] };
  console.log('\n\x1b[1m影云 Yingyun 演示已就绪 — the demo is ready\x1b[0m\n');
  for (const l of [...(links.links ?? []), { label: '系统状态 Health', url: `${base}/api/health` }]) console.log(`  ${l.label}\n    ${l.url}`);
  console.log('\n  Ctrl-C 停止 / to stop\n');
}

main().catch((e) => {
  console.error(`\n[yingyun] ${e.message}`);
  process.exit(1);
});
