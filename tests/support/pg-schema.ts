// A fresh PostgreSQL schema for one test run, and the URL that makes every connection use it.
import { randomBytes } from 'node:crypto';

export async function createSchema(baseUrl: string, prefix = 't'): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  const run = async (sql: string) => {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: baseUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE SCHEMA "${schema}"`);
  const u = new URL(baseUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { schema, url: u.toString(), drop: () => run(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`) };
}
