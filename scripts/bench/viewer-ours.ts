// Gets our server ready for scripts/bench/viewer.ts: two exams of one patient of hospital 2470 that the
// benchmark's CT and MR studies will belong to (matched by StudyInstanceUID when viewer.ts stores them with
// --ours-stow), an access token to store with, and one opened /dimage link per exam (its /viewer URL and
// session cookie). Prints the viewer.ts command line.
//   DATABASE_URL=… npx tsx scripts/bench/viewer-ours.ts --base http://127.0.0.1:3901
// The server at --base must use the same database, and the database must hold the demo region
// (npm run demo:load, or scripts/demo/bulk.ts as scripts/bench/clinicview.ts does).
import { openDatabase } from '../../lib/db';
import { buildDimageChannelLink } from '../../lib/links/build';
import { issueAccessToken } from '../../lib/links/issue';
import { neijiangKeysFor } from '../demo/clients';

const HOSPITAL = '2470';
/** The studies viewer.ts stores and opens (its synthesized CT and the GE MR brain stack). */
const STUDIES = [
  { label: 'CT', accession: 'BENCH-VIEWER-CT', modality: 'CT', uid: '2.25.286551795811256852706975591384121621621' },
  { label: 'MR', accession: 'BENCH-VIEWER-MR', modality: 'MR', uid: '0.0.0.0.2.8811.20010413115754.12432' },
];
const STUDY_DATE = '20261120';

async function main() {
  const i = process.argv.indexOf('--base');
  const base = i > 0 ? process.argv[i + 1].replace(/\/+$/, '') : '';
  if (!base || !process.env.DATABASE_URL) throw new Error('usage: DATABASE_URL=… npx tsx scripts/bench/viewer-ours.ts --base http://127.0.0.1:PORT');
  const { prisma, sql } = await openDatabase();
  try {
    const org = await prisma.organization.findFirstOrThrow({ where: { code: HOSPITAL } });
    const patient = await prisma.patient.findFirstOrThrow({ orderBy: { id: 'asc' } });
    const args: string[] = [];
    for (const s of STUDIES) {
      const data = { organizationId: org.id, patientId: patient.id, accessionNumber: s.accession, studyInstanceUid: s.uid, modality: s.modality, itemCode: `BENCH-${s.modality}`, itemName: `性能测试 ${s.modality}`, performedAt: new Date('2026-11-20T02:00:00Z'), findings: '性能测试', impression: '性能测试' };
      const exam = await prisma.exam.findFirst({ where: { organizationId: org.id, accessionNumber: s.accession } });
      if (!exam) await prisma.exam.create({ data });
      const k = neijiangKeysFor(HOSPITAL);
      const link = buildDimageChannelLink(base, { aesKey: k.aesKey, aesIv: k.aesIv, hospitalCode: HOSPITAL, accessionNumber: s.accession, studyDate: STUDY_DATE, imageOnly: true });
      const res = await fetch(link, { redirect: 'manual' });
      const cookie = res.headers.get('set-cookie')?.split(';')[0];
      if (res.status !== 303 || !cookie) throw new Error(`${s.label} link refused: ${res.status} ${await res.text()}`);
      args.push(s.label === 'CT' ? '--ours' : '--ours-mr', new URL(res.headers.get('location')!, base).href, '--ours-cookie', cookie);
    }
    const { token } = await issueAccessToken(prisma, HOSPITAL, 'bench-viewer', ['dicomweb-write']);
    args.push('--ours-stow', `${base}/dicomweb`, '--ours-token', token);
    console.log(`npx tsx scripts/bench/viewer.ts ${args.map((a) => `'${a}'`).join(' ')}`);
  } finally {
    await prisma.$disconnect();
    await sql.close();
  }
}

main().catch((e) => {
  console.error(`[bench] ${(e as Error).message}`);
  process.exit(1);
});
