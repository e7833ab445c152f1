// For tests that call route handlers: the app's own process-wide database (lib/db `db()`), pointed
// at a fresh PostgreSQL schema (TEST_DATABASE_URL) or a fresh PGlite folder, with its own file store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { db, type Database } from '@/lib/db';
import { createSchema } from './pg-schema';

export interface AppDatabase extends Database {
  dataDir: string;
  dispose(): Promise<void>;
}

export async function appDatabase(): Promise<AppDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingyun-app-'));
  process.env.YINGYUN_DATA_DIR = dataDir;
  delete process.env.YINGYUN_BLOB_DIR;
  const base = process.env.TEST_DATABASE_URL;
  const pg = base ? await createSchema(base) : undefined;
  if (pg) process.env.DATABASE_URL = pg.url;
  else delete process.env.DATABASE_URL;
  const d = await db();
  return {
    ...d,
    dataDir,
    async dispose() {
      await d.prisma.$disconnect();
      await d.sql.close();
      await pg?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
