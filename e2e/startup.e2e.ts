import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './support/server';

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
});
