// A fresh database for one test file: a new PostgreSQL schema when TEST_DATABASE_URL is set
// (dropped afterwards), else an in-memory PGlite. Migrations are applied either way.
import { openDatabase, type Database } from '@/lib/db';
import { createSchema } from './pg-schema';

export interface TestDatabase extends Database {
  dispose(): Promise<void>;
  label: string;
}

export async function testDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const db = await openDatabase({ pgliteDir: null });
    return { ...db, label: 'PGlite (memory)', dispose: async () => { await db.prisma.$disconnect(); await db.sql.close(); } };
  }
  const pg = await createSchema(url);
  const db = await openDatabase({ url: pg.url });
  return {
    ...db,
    label: `PostgreSQL schema ${pg.schema}`,
    dispose: async () => {
      await db.prisma.$disconnect();
      await db.sql.close();
      await pg.drop();
    },
  };
}
