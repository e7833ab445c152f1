// The store: migrations apply once and are recorded like Prisma records them; an unreachable
// PostgreSQL fails with a clear error.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/lib/db';
import { applyMigrations, listMigrations } from '@/lib/migrations';
import { testDatabase, type TestDatabase } from './support/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

describe(`migrations (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('applies every migration folder and records its sha256 checksum', async () => {
    const onDisk = listMigrations();
    expect(onDisk.length).toBeGreaterThan(0);
    const rows = await db.sql.query<{ migration_name: string; checksum: string }>(
      'select migration_name, checksum from "_prisma_migrations" order by migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(onDisk.map((m) => m.name));
    for (const m of onDisk) {
      const file = fs.readFileSync(path.join('prisma', 'migrations', m.name, 'migration.sql'));
      expect(rows.find((r) => r.migration_name === m.name)?.checksum).toBe(createHash('sha256').update(file).digest('hex'));
    }
  });

  it('applies nothing the second time', async () => {
    const again = await applyMigrations(db.sql);
    expect(again.newlyApplied).toEqual([]);
    expect(again.applied).toEqual(listMigrations().map((m) => m.name));
  });

  it('creates the tables the domain needs', async () => {
    const tables = (await db.sql.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = current_schema()`)).map((r) => r.t);
    for (const t of ['Organization', 'Patient', 'PatientIdentifier', 'Exam', 'LabTest', 'LabResultItem', 'ExamItem', 'StandardItem', 'DicomStudy', 'DicomSeries', 'DicomInstance', 'ReportFile', 'ViewSession', 'RetrievalRecord', 'RecognitionMark', 'DailyRecognitionStat', 'AuditLog', 'AdminUser', 'IntegrationClient', 'ClinicianSev']) {
      expect(tables).toContain(t);
    }
  });
});

describe('an unreachable PostgreSQL', () => {
  it('is refused quickly with the driver\'s reason', async () => {
    await expect(openDatabase({ url: 'postgresql://nobody@127.0.0.1:1/nothing' })).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
