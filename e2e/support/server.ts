// Starting and stopping the production server and loading demo data, for browser tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');

export function buildEnv(o: { dataDir: string; databaseUrl: string; port: number }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    YINGYUN_DATA_DIR: o.dataDir,
    PORT: String(o.port),
    YINGYUN_PUBLIC_URL: `http://127.0.0.1:${o.port}`,
    YINGYUN_DEMO_LINKS: '1',
    NEXT_TELEMETRY_DISABLED: '1',
  };
  if (o.databaseUrl) env.DATABASE_URL = o.databaseUrl;
  else delete env.DATABASE_URL;
  return env;
}

export async function loadDemo(env: NodeJS.ProcessEnv, args: string[]): Promise<void> {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/demo/load.ts', ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`demo load failed (${r.signal ?? r.status}):\n${r.stdout}\n${r.stderr}`);
}

export async function startServer(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const server = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Kept as a test artifact: what the server said when a browser test fails.
  fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
  const file = fs.createWriteStream(path.join(root, 'test-results', `server-${port}.log`));
  let log = '';
  const keep = (d: Buffer) => {
    log += d;
    file.write(d);
  };
  server.stdout!.on('data', keep);
  server.stderr!.on('data', keep);
  server.once('exit', () => file.end());
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}:\n${log}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return server;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  server.kill('SIGKILL');
  throw new Error(`server not healthy within 90 s:\n${log}`);
}

export async function stopServer(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      server.kill('SIGKILL');
      resolve();
    }, 10_000);
    server.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    server.kill('SIGTERM');
  });
}
