// Browser-test set-up: a fresh database (new PostgreSQL schema with TEST_DATABASE_URL, else a
// PGlite folder) holding a small demo region, and the production build served by `next start`.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createSchema } from '../tests/support/pg-schema';
import { buildEnv, loadDemo, root, startServer, stopServer } from './support/server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dataDir: string;
    databaseUrl: string;
    /** A Bearer access token of the demo's IDCAS client (acts for every demo hospital). */
    clientToken: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Issued before the server starts: the embedded database is one process at a time. */
async function issueToken(dataDir: string, databaseUrl: string): Promise<string> {
  const { openDatabase } = await import('../lib/db');
  const { issueAccessToken } = await import('../lib/links/issue');
  const d = await openDatabase(databaseUrl ? { url: databaseUrl } : { url: '', pgliteDir: path.join(dataDir, 'pglite') });
  try {
    return (await issueAccessToken(d.prisma, '2470', 'e2e-pacs')).token;
  } finally {
    await d.prisma.$disconnect();
    await d.sql.close();
  }
}

export default async function setup(project: TestProject) {
  if (!fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) throw new Error('no production build: run `next build --webpack` first (npm test does)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingyun-e2e-'));
  const base = process.env.TEST_DATABASE_URL;
  const pg = base ? await createSchema(base, 'e2e') : undefined;
  const databaseUrl = pg?.url ?? '';
  const port = await freePort();
  const env = buildEnv({ dataDir, databaseUrl, port });
  await loadDemo(env, ['--patients', '24']);
  const clientToken = await issueToken(dataDir, databaseUrl);
  let server: ChildProcess | undefined = await startServer(env, port);

  project.provide('baseUrl', `http://127.0.0.1:${port}`);
  project.provide('dataDir', dataDir);
  project.provide('databaseUrl', databaseUrl);
  project.provide('clientToken', clientToken);

  return async () => {
    await stopServer(server);
    server = undefined;
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

