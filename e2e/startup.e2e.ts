import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { buildEnv, root } from './support/server';

const databaseUrl = inject('databaseUrl');
const dataDir = inject('dataDir');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe('server start', () => {
  it('stops with a clear message and a non-zero exit when DATABASE_URL is unreachable', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', '0'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: 'postgresql://nobody:secret@127.0.0.1:1/none', NEXT_TELEMETRY_DISABLED: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    expect(r.stderr).toContain('无法打开数据库');
    expect(r.stderr).toContain('ECONNREFUSED');
    // The password of the URL is never printed.
    expect(r.stderr + r.stdout).not.toContain('secret');
  });

  // A second server on the running one's database (PostgreSQL only: PGlite is one process's).
  it.skipIf(!databaseUrl)('names the file store, not the database, when the file store cannot be recovered, and starts anyway', async () => {
    const notADir = path.join(dataDir, 'not-a-directory');
    fs.writeFileSync(notADir, 'x');
    const port = await freePort();
    const env = { ...buildEnv({ dataDir, databaseUrl, port }), YINGYUN_BLOB_DIR: path.join(notADir, 'blobs') };
    const server = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    server.stdout!.on('data', (d) => (log += d));
    server.stderr!.on('data', (d) => (log += d));
    try {
      let health: Response | undefined;
      for (const deadline = Date.now() + 60_000; !health && Date.now() < deadline && server.exitCode === null; ) {
        health = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
        if (!health) await new Promise((r) => setTimeout(r, 300));
      }
      expect(health?.status, log).toBe(503);
      const body = await health!.json();
      expect([body.database.ok, body.fileStore.ok]).toEqual([true, false]);
      expect(log).toContain('文件存储恢复失败');
      expect(log).toContain(notADir);
      expect(log).not.toContain('无法打开数据库');
    } finally {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
      fs.rmSync(notADir, { force: true });
    }
  });
});
