import { NextResponse } from 'next/server';
import { db } from '@/lib/db';
import { listMigrations } from '@/lib/migrations';
import { blobStore } from '@/lib/store/blobs';

export const dynamic = 'force-dynamic';

/** Database reachability, applied migrations and a writable file store; 503 when any fails. */
export async function GET() {
  const report: Record<string, unknown> = {};
  let ok = true;
  try {
    const { sql } = await db();
    await sql.query('select 1');
    const applied = (await sql.query<{ migration_name: string }>(
      `select migration_name from "_prisma_migrations" where finished_at is not null and rolled_back_at is null order by 1`,
    )).map((r) => r.migration_name);
    const onDisk = listMigrations().map((m) => m.name);
    const pending = onDisk.filter((n) => !applied.includes(n));
    report.database = { ok: true, kind: sql.kind, migrations: { applied, pending } };
    if (pending.length) ok = false;
  } catch (e) {
    ok = false;
    report.database = { ok: false, error: (e as Error).message };
  }
  try {
    const store = blobStore();
    await store.probe();
    report.fileStore = { ok: true, location: store.describe() };
  } catch (e) {
    ok = false;
    report.fileStore = { ok: false, error: (e as Error).message };
  }
  return NextResponse.json({ status: ok ? 'ok' : 'error', ...report }, { status: ok ? 200 : 503 });
}
