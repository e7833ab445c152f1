// For tests that call route handlers: the app's own process-wide database (lib/db `db()`), pointed
// at a fresh PostgreSQL schema (TEST_DATABASE_URL) or a fresh PGlite folder, with its own file store.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { db, type Database } from '@/lib/db';

export interface AppDatabase extends Database {
  dataDir: string;
  dispose(): Promise<void>;
}

export async function appDatabase(): Promise<AppDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingyun-app-'));
  process.env.YINGYUN_DATA_DIR = dataDir;
  delete process.env.YINGYUN_BLOB_DIR;
  const base = process.env.TEST_DATABASE_URL;
  let schema: string | undefined;
  if (base) {
    schema = `t_${randomBytes(5).toString('hex')}`;
    const { Client } = await import('pg');
    const c = new Client({ connectionString: base });
    await c.connect();
    await c.query(`CREATE SCHEMA "${schema}"`);
    await c.end();
    const u = new URL(base);
    u.searchParams.set('options', `-c search_path=${schema}`);
    process.env.DATABASE_URL = u.toString();
  } else {
    delete process.env.DATABASE_URL;
  }
  const d = await db();
  return {
    ...d,
    dataDir,
    async dispose() {
      await d.prisma.$disconnect();
      if (schema) await d.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
      await d.sql.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
