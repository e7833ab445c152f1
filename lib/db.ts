// One database handle per process. DATABASE_URL set → PostgreSQL through @prisma/adapter-pg;
// unset → embedded PGlite in the data folder (the demo's default). `sql` is a thin raw-SQL
// handle on the same database, for migrations, health checks and bulk loads.
import { PrismaClient } from '@prisma/client';
import { config } from './config';
import { applyMigrations, type MigrationReport } from './migrations';

export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  exec(text: string): Promise<void>;
  /** Runs fn with exclusive use of one connection (transactions, advisory locks). */
  withConnection<R>(fn: (sql: Pick<Sql, 'query' | 'exec'>) => Promise<R>): Promise<R>;
  close(): Promise<void>;
  kind: 'postgres' | 'pglite';
}

export interface Database {
  prisma: PrismaClient;
  sql: Sql;
  migrations: MigrationReport;
}

/** Redacts the password of a connection URL, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

async function openPostgres(url: string, schema: string | undefined): Promise<{ sql: Sql; adapter: unknown }> {
  const { Pool } = await import('pg');
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 5000, max: 4 });
  pool.on('error', (e) => console.error('[db] idle client error:', e.message));
  const sql: Sql = {
    kind: 'postgres',
    async query<T>(text: string, params?: unknown[]) {
      return (await pool.query(text, params as unknown[])).rows as T[];
    },
    async exec(text: string) {
      await pool.query(text);
    },
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          query: async <T,>(text: string, params?: unknown[]) => (await client.query(text, params as unknown[])).rows as T[],
          exec: async (text: string) => void (await client.query(text)),
        });
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  // Fail fast with a clear message rather than on the first page view.
  await sql.query('select 1');
  const adapter = new PrismaPg({ connectionString: url, connectionTimeoutMillis: 5000, max: 8 }, schema ? { schema } : undefined);
  return { sql, adapter };
}

async function openPglite(dir: string | null): Promise<{ sql: Sql; adapter: unknown }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  if (dir) (await import('node:fs')).mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir ?? undefined);
  // PGlite is one connection; serialise exclusive sections so they do not interleave.
  let chain: Promise<unknown> = Promise.resolve();
  const sql: Sql = {
    kind: 'pglite',
    async query<T>(text: string, params?: unknown[]) {
      return (await db.query(text, params as unknown[])).rows as T[];
    },
    async exec(text: string) {
      await db.exec(text);
    },
    withConnection(fn) {
      const run = chain.then(() => fn(sql));
      chain = run.catch(() => undefined);
      return run;
    },
    close: () => db.close(),
  };
  return { sql, adapter: new PrismaPGlite(db) };
}

export interface OpenOptions {
  /** PostgreSQL URL; default config.databaseUrl. */
  url?: string;
  /** PostgreSQL schema to use instead of the URL's default (tests get a fresh one per run). */
  schema?: string;
  /** PGlite folder; null = in memory. Default config.pgliteDir. */
  pgliteDir?: string | null;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

/** The schema named by `options=-c search_path=…` in a URL, which Prisma must also be told about. */
function schemaOf(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('options')?.match(/search_path=([a-z_][a-z0-9_]*)/)?.[1];
  } catch {
    return undefined;
  }
}

/** Adds `options=-c search_path=…` so the pool and the Prisma adapter both use the schema. */
function withSchema(url: string | undefined, schema: string | undefined): string | undefined {
  if (!url || !schema) return url;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  const url = withSchema(opts.url ?? config.databaseUrl, opts.schema);
  const schema = opts.schema ?? (url ? schemaOf(url) : undefined);
  const { sql, adapter } = url
    ? await openPostgres(url, schema)
    : await openPglite(opts.pgliteDir === undefined ? config.pgliteDir : opts.pgliteDir);
  const migrations = opts.migrate === false ? { applied: [], newlyApplied: [] } : await applyMigrations(sql);
  // The generated client's types do not name driver adapters of another major version.
  const prisma = new PrismaClient({ adapter } as ConstructorParameters<typeof PrismaClient>[0]);
  return { prisma, sql, migrations };
}

const globalForDb = globalThis as unknown as { yingyunDb?: Promise<Database> };

/** The process-wide database (opened and migrated on first use). */
export function db(): Promise<Database> {
  if (!globalForDb.yingyunDb) {
    globalForDb.yingyunDb = openDatabase();
    globalForDb.yingyunDb.catch(() => {
      globalForDb.yingyunDb = undefined;
    });
  }
  return globalForDb.yingyunDb;
}

export async function prisma(): Promise<PrismaClient> {
  return (await db()).prisma;
}
