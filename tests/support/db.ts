// A fresh database for one test file: a new PostgreSQL schema when TEST_DATABASE_URL is set
// (dropped afterwards), else an in-memory PGlite. Migrations are applied either way.
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '@/lib/db';

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
  const schema = `t_${randomBytes(5).toString('hex')}`;
  const { Client } = await import('pg');
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const db = await openDatabase({ url, schema });
  return {
    ...db,
    label: `PostgreSQL schema ${schema}`,
    dispose: async () => {
      await db.prisma.$disconnect();
      await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
      await db.sql.close();
    },
  };
}
