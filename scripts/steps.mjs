// Shared by scripts/demo.mjs and scripts/test.mjs: install what is missing, run steps with
// their own time limits so a hang fails fast. Plain Node (no dependencies): these scripts run
// before `npm install` has happened.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

// Prisma's CLI must not try to download engines it cannot reach (ARCHITECTURE.md §5).
const noEngine = path.join(root, 'prisma', '.no-engine');
export const prismaEnv = { PRISMA_SCHEMA_ENGINE_BINARY: noEngine, PRISMA_QUERY_ENGINE_LIBRARY: noEngine, PRISMA_HIDE_UPDATE_MESSAGE: '1' };

export function log(msg) {
  console.log(`\x1b[36m[yingyun]\x1b[0m ${msg}`);
}

/** Runs a command; rejects on a non-zero exit or when it exceeds its time limit. */
export function run(cmd, args, { timeoutSec = 600, env = {}, cwd = root, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...prismaEnv, ...env }, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', detached: true });
    let output = '';
    if (quiet) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      reject(new Error(`${cmd} ${args.join(' ')} exceeded ${timeoutSec} s`));
    }, timeoutSec * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (code === 0) resolve({ secs, output });
      else {
        if (quiet) process.stderr.write(output);
        reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}) after ${secs} s`));
      }
    });
  });
}

function mtime(p) {
  try { return fs.statSync(p).mtimeMs; } catch { return 0; }
}

/** npm packages: install when node_modules is missing or older than package.json / the lock file. */
export async function ensureNpmPackages() {
  const installed = mtime(path.join(root, 'node_modules', '.package-lock.json'));
  const wanted = Math.max(mtime(path.join(root, 'package.json')), mtime(path.join(root, 'package-lock.json')));
  if (installed && installed >= wanted) return;
  log('installing npm packages …');
  await run('npm', ['install', '--no-audit', '--no-fund'], { timeoutSec: 900 });
}

export async function prismaGenerate() {
  if (!fs.existsSync(noEngine)) fs.writeFileSync(noEngine, '');
  await run(process.execPath, [path.join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--no-hints'], { timeoutSec: 180, quiet: true });
}

/** Debian's chromium for the browser tests (Playwright's own browser download cannot work here). */
// Chinese text in the pages (and in the screenshots the browser tests keep) needs a CJK font;
// a bare Debian has none and Chromium would draw boxes.
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';

export async function ensureChromium() {
  const bin = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const missing = [...(fs.existsSync(bin) ? [] : ['chromium']), ...(fs.existsSync(CJK_FONT) ? [] : ['fonts-wqy-zenhei'])];
  if (!missing.length) return bin;
  log(`installing Debian ${missing.join(', ')} for the browser tests …`);
  const sudo = process.getuid && process.getuid() !== 0 ? ['sudo'] : [];
  const apt = (...a) => run(sudo[0] ?? 'apt-get', sudo.length ? ['apt-get', ...a] : a, { timeoutSec: 900, env: { DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    await apt('install', '-y', '--no-install-recommends', ...missing);
  } catch {
    await apt('update');
    await apt('install', '-y', '--no-install-recommends', ...missing);
  }
  if (!fs.existsSync(bin)) throw new Error(`chromium was installed but ${bin} is missing; set CHROMIUM_PATH`);
  return bin;
}

/** Is a newer source file than the last production build? */
export function buildIsStale() {
  const built = mtime(path.join(root, '.next', 'BUILD_ID'));
  if (!built) return true;
  const dirs = ['app', 'components', 'lib', 'public', 'types'];
  const files = ['next.config.ts', 'package.json', 'tsconfig.json', 'instrumentation.ts', 'prisma/schema.prisma'];
  const newer = (p) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return false;
    if (!st.isDirectory()) return st.mtimeMs > built;
    return fs.readdirSync(p).some((e) => newer(path.join(p, e)));
  };
  return files.some((f) => newer(path.join(root, f))) || dirs.some((d) => newer(path.join(root, d)));
}

export function nextBin() {
  return path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
}

export async function waitForHealth(base, timeoutSec = 90, child) {
  const deadline = Date.now() + timeoutSec * 1000;
  let last = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the server exited (code ${child.exitCode}) before it was ready`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return await res.json();
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the server did not become healthy in ${timeoutSec} s (${last})`);
}

export { spawnSync };
