// Bulk data for benchmarks: many patients and exams straight into PostgreSQL with batched
// `INSERT … SELECT FROM unnest(…)` (one round trip per batch), reporting rows/s.
//   DATABASE_URL=postgresql://… npx tsx scripts/demo/bulk.ts --patients 200000 --exams 1000000 [--seed N]
// Adds to the database; loads the demo region's hospitals, doctors and catalogs first when empty.
// No images or PDFs: this is for the database paths (lists, search, reminder, recognition).
import { protectPii } from '../../lib/crypto/pii';
import { openDatabase, type Sql } from '../../lib/db';
import { EXAM_ITEM_TEMPLATES, itemSuitsPatient } from './catalog';
import { loadRegion } from './load';
import { makeDoctorName, makePerson } from './people';
import { ORGANIZATIONS, planRegion } from './region';
import { writeExamReport } from './reports';
import { createRng } from './rng';

const PATIENT_BATCH = 5_000;
const EXAM_BATCH = 10_000;
const DAY = 86_400_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A Postgres array literal for one text[] cell: {"a","b"}. */
function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

type PatientRow = { name: string; sex: 'M' | 'F'; birth: string; idHash: string; idCipher: string; phoneHash: string; phoneCipher: string; address: string };

/** Inserts a batch; returns the rows that went in (a rare duplicate ID-card number is skipped) with their ids. */
async function insertPatients(sql: Sql, rows: PatientRow[]): Promise<(PatientRow & { id: number })[]> {
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  const out = await sql.query<{ id: number; idCardHash: string }>(
    `INSERT INTO "Patient" (name, sex, "birthDate", "idCardHash", "idCardCipher", "phoneHash", "phoneCipher", address, "updatedAt")
     SELECT t.name, t.sex::"Sex", t.birth::date, t.ih, t.ic, t.ph, t.pc, t.addr, now()
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS t(name, sex, birth, ih, ic, ph, pc, addr)
     ON CONFLICT ("idCardHash") DO NOTHING
     RETURNING id, "idCardHash"`,
    [col('name'), col('sex'), col('birth'), col('idHash'), col('idCipher'), col('phoneHash'), col('phoneCipher'), col('address')],
  );
  const byHash = new Map(rows.map((r) => [r.idHash, r]));
  return out.map((r) => ({ ...byHash.get(r.idCardHash)!, id: r.id }));
}

async function main() {
  const patients = arg('patients', 200_000);
  const exams = arg('exams', 1_000_000);
  const seed = arg('seed', 4242);
  const database = await openDatabase();
  const { sql, prisma } = database;
  if (sql.kind !== 'postgres') throw new Error('bulk mode writes to PostgreSQL: set DATABASE_URL');
  const rng = createRng(seed);
  try {
    if ((await prisma.organization.count()) === 0) {
      console.log('[bulk] empty database: loading the demo hospitals, doctors and catalogs first');
      await loadRegion(prisma, planRegion({ seed, patients: 0 }), { images: false });
    }
    const orgs = await prisma.organization.findMany({ where: { kind: 'HOSPITAL', code: { not: '221' } }, select: { id: true, code: true } });
    const doctors = await prisma.clinician.findMany({ where: { deptCode: 'RIS' }, select: { organizationId: true, workNo: true, name: true } });
    const radiologists = new Map(orgs.map((o) => [o.id, doctors.filter((d) => d.organizationId === o.id)]));
    const prefix = ORGANIZATIONS.length.toString(36) + seed.toString(36).toUpperCase();

    // ── patients ──
    const t0 = Date.now();
    const people: (PatientRow & { id: number })[] = [];
    for (let done = 0; done < patients; done += PATIENT_BATCH) {
      const seen = new Set<string>();
      const batch: PatientRow[] = [];
      for (let i = Math.min(PATIENT_BATCH, patients - done); i > 0; i--) {
        const p = makePerson(rng);
        const id = protectPii(p.idCardNo);
        const phone = protectPii(p.phone);
        if (seen.has(id.hash!)) continue;
        seen.add(id.hash!);
        batch.push({ name: p.name, sex: p.sex, birth: p.birthDate, idHash: id.hash!, idCipher: id.cipher!, phoneHash: phone.hash!, phoneCipher: phone.cipher!, address: p.address });
      }
      people.push(...(await insertPatients(sql, batch)));
      process.stdout.write(`\r[bulk] patients ${people.length.toLocaleString()}`);
    }
    const tp = (Date.now() - t0) / 1000;
    console.log(`\n[bulk] ${people.length.toLocaleString()} patients in ${tp.toFixed(1)} s (${Math.round(people.length / tp).toLocaleString()} rows/s)`);

    // ── exams ──
    const t1 = Date.now();
    const anchor = Date.now();
    let written = 0;
    let serial = 0;
    while (written < exams) {
      const n = Math.min(EXAM_BATCH, exams - written);
      const c: Record<string, unknown[]> = {};
      const push = (k: string, v: unknown) => (c[k] ??= []).push(v);
      for (let i = 0; i < n; i++) {
        const person = people[rng.int(0, people.length - 1)];
        const org = rng.pick(orgs);
        const performed = new Date(anchor - rng.int(0, 5 * 365) * DAY - rng.int(0, 36_000) * 1000);
        const age = Math.max(0, new Date(performed).getUTCFullYear() - Number(person.birth.slice(0, 4)));
        const item = rng.pick(EXAM_ITEM_TEMPLATES.filter((t) => itemSuitsPatient(t, person.sex, age)));
        const outcome = rng.chance(0.03) ? 'critical' : rng.chance(0.35) ? 'positive' : 'normal';
        const text = writeExamReport(rng, { modality: item.modality, bodyPart: item.bodyPart, itemName: item.name, sex: person.sex, age, outcome });
        const team = radiologists.get(org.id)!;
        const reporter = rng.pick(team);
        serial++;
        push('org', org.id);
        push('patient', person.id);
        push('acc', `B${prefix}${serial.toString().padStart(8, '0')}`);
        push('modality', item.modality);
        push('part', item.bodyPart);
        push('code', item.code);
        push('name', item.name);
        push('std', pgArray(item.standardCodes));
        push('age', String(age));
        push('ptype', rng.pick(['OUTPATIENT', 'INPATIENT', 'CHECKUP', 'EMERGENCY']));
        push('performed', performed.toISOString());
        push('reported', new Date(performed.getTime() + rng.int(20, 240) * 60_000).toISOString());
        push('audited', new Date(performed.getTime() + rng.int(240, 480) * 60_000).toISOString());
        push('findings', text.findings);
        push('impression', text.impression);
        push('polarity', outcome === 'normal' ? 'NEGATIVE' : 'POSITIVE');
        push('critical', outcome === 'critical' && text.criticalNote !== undefined);
        push('rdoc', reporter.name);
        push('adoc', team[0].name);
        push('apply', makeDoctorName(rng));
        push('cost', item.price);
      }
      await sql.query(
        `INSERT INTO "Exam" ("organizationId", "patientId", "accessionNumber", modality, "bodyPart", "itemCode", "itemName", "standardItemCodes",
           "patientAge", "patientAgeUnit", "patientType", "performedAt", "reportedAt", "auditedAt", "uploadedAt", findings, impression, polarity, critical,
           "reportDoctorName", "auditDoctorName", "applyDoctorName", cost, state, "updatedAt")
         SELECT t.org, t.patient, t.acc, t.modality, t.part, t.code, t.name, t.std::text[], t.age, '岁', t.ptype::"PatientType",
           t.performed::timestamptz, t.reported::timestamptz, t.audited::timestamptz, t.audited::timestamptz, t.findings, t.impression,
           t.polarity::"ResultPolarity", t.critical, t.rdoc, t.adoc, t.apply, t.cost, 'PUBLISHED', now()
         FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
           $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::bool[], $18::text[], $19::text[], $20::text[], $21::numeric[])
           AS t(org, patient, acc, modality, part, code, name, std, age, ptype, performed, reported, audited, findings, impression, polarity, critical, rdoc, adoc, apply, cost)`,
        ['org', 'patient', 'acc', 'modality', 'part', 'code', 'name', 'std', 'age', 'ptype', 'performed', 'reported', 'audited', 'findings', 'impression', 'polarity', 'critical', 'rdoc', 'adoc', 'apply', 'cost'].map((k) => c[k]),
      );
      written += n;
      const secs = (Date.now() - t1) / 1000;
      process.stdout.write(`\r[bulk] exams ${written.toLocaleString()} (${Math.round(written / secs).toLocaleString()} rows/s)`);
    }
    const te = (Date.now() - t1) / 1000;
    console.log(`\n[bulk] ${written.toLocaleString()} exams in ${te.toFixed(1)} s (${Math.round(written / te).toLocaleString()} rows/s)`);
    const [size] = await sql.query<{ size: string }>(`select pg_size_pretty(pg_database_size(current_database())) as size`);
    console.log(`[bulk] database size now ${size.size}`);
  } finally {
    await prisma.$disconnect();
    await sql.close();
  }
}

main().catch((e) => {
  console.error(`[bulk] ${(e as Error).message}`);
  process.exit(1);
});
