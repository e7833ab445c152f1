// Applies prisma/migrations/*/migration.sql in order, recording them in Prisma's own
// `_prisma_migrations` table (same columns and checksums), so `prisma migrate status` agrees.
// The app does this itself on start because the Prisma CLI's engines are not available
// everywhere we run (ARCHITECTURE.md §5), and because PGlite lives inside this process.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { config } from './config';
import type { Sql } from './db';

export interface MigrationReport {
  applied: string[];
  newlyApplied: string[];
}

// Any constant; two servers starting at once take turns.
const LOCK_ID = 7_391_245_001;

export function listMigrations(dir = config.migrationsDir): { name: string; sql: string; checksum: string }[] {
  if (!fs.existsSync(dir)) throw new Error(`migrations folder not found: ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export async function appliedMigrations(sql: Pick<Sql, 'query'>): Promise<{ name: string; checksum: string }[]> {
  const rows = await sql.query<{ migration_name: string; checksum: string }>(
    `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows.map((r) => ({ name: r.migration_name, checksum: r.checksum }));
}

export async function applyMigrations(sql: Sql, dir = config.migrationsDir): Promise<MigrationReport> {
  const all = listMigrations(dir);
  return sql.withConnection(async (conn) => {
    await conn.exec(TABLE);
    await conn.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    try {
      const done = new Map((await appliedMigrations(conn)).map((m) => [m.name, m.checksum]));
      const newlyApplied: string[] = [];
      for (const m of all) {
        const previous = done.get(m.name);
        if (previous !== undefined) {
          if (previous !== m.checksum) console.warn(`[db] migration ${m.name} was edited after it was applied`);
          continue;
        }
        const id = randomUUID();
        await conn.exec('BEGIN');
        try {
          await conn.exec(m.sql);
          await conn.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), 1)`,
            [id, m.checksum, m.name],
          );
          await conn.exec('COMMIT');
        } catch (e) {
          await conn.exec('ROLLBACK');
          throw new Error(`migration ${m.name} failed: ${(e as Error).message}`);
        }
        newlyApplied.push(m.name);
      }
      return { applied: [...new Set([...done.keys(), ...newlyApplied])].sort(), newlyApplied };
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]);
    }
  });
}
