// Link verification throughput per dialect, against the bare node:crypto work each verification
// needs, measured in the same run (the ratio is what to read; absolute numbers vary by machine).
//   npx tsx scripts/bench/links.ts [--seconds 3]        (PGlite in memory; DATABASE_URL for PostgreSQL)
import { createDecipheriv, createHash } from 'node:crypto';
import { openDatabase } from '../../lib/db';
import { SEED_EXAMPLE_PATHS } from '../../lib/demo/spec-subjects';
import { patientToken } from '../../lib/links/build';
import { issueDimageChannelLink, issueIdcasLink, issueOpenLink, issueXiamenLink } from '../../lib/links/issue';
import { verifyLink } from '../../lib/links/open';
import type { LinkPage } from '../../lib/links/types';
import { loadRegion } from '../demo/load';
import { planRegion } from '../demo/region';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;

async function rate(fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await fn(); // warm up
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++) await fn();
    n += 20;
  }
  return n / ((performance.now() - t0) / 1000);
}

const key24 = Buffer.alloc(24);
Buffer.from('eWorldTomTaw#7=*').copy(key24);
const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');

async function main() {
  const { prisma, sql } = await openDatabase({ pgliteDir: null });
  await loadRegion(prisma, planRegion({ seed: 5, patients: 20 }), { images: false });
  const base = 'https://yy.example';
  const q = (u: string) => u.slice(u.indexOf('?'));
  const cv = q(await issueIdcasLink(prisma, base, 'clinicview', { orgCode: '2470', workNo: '001', token: patientToken({ work_no: '001', org_code: '2470', accession_number: 'SD-53242' }) }));
  const cvParams = new URLSearchParams(cv);
  const token = cvParams.get('token')!, sev = cvParams.get('sev')!, ts = cvParams.get('timestamp')!;
  const channelLink = q(await issueDimageChannelLink(prisma, base, { hospital: '57120003', accessionNumber: '000001013', studyDate: '20210629' }));
  const channel = new URLSearchParams(channelLink).get('channel')!;
  const open = q(await issueOpenLink(prisma, base, { hospital: '2470', queryKey: 'patNo', queryValue: 'P1000001' }));
  const xm = q(await issueXiamenLink(prisma, base, 'xiamen-exam-view', { params: [['UserID', '001'], ['UserName', '张医生'], ['UserOrganizationID', '2470'], ['AccessionNumber', 'SD-53242']] }));
  const xmValues = [...new URLSearchParams(xm)].filter(([k]) => k !== 'token').map(([, v]) => v).join('');

  // The crypto an IDCAS verification cannot skip: the MD5 sign and the 3DES token.
  const bareIdcas = () => {
    md5(token + sev + ts + 'TomtawMD5Key');
    const d = createDecipheriv('des-ede3-cbc', key24, Buffer.from('TomTaw#7'));
    JSON.parse(Buffer.concat([d.update(Buffer.from(token, 'base64')), d.final()]).toString('utf8'));
  };
  const cases: [string, LinkPage, string, () => unknown][] = [
    ['IDCAS clinicview (MD5 sign + RSA sev + 3DES token)', 'clinicview', cv, bareIdcas],
    ['IDCAS clinicview, seed example (registered sev)', 'clinicview', q(SEED_EXAMPLE_PATHS.clinicview), bareIdcas],
    ['Neijiang dimage channel (AES)', 'dimage', channelLink, () => {
      const d = createDecipheriv('aes-128-cbc', Buffer.from('qkzdcsilusqgph37'), Buffer.from('2rthacazxph2qtkt'));
      Buffer.concat([d.update(Buffer.from(channel, 'hex')), d.final()]).toString('utf8');
    }],
    ['Neijiang /open (MD5 "#" rule)', 'open', open, () => md5('accesskey#ahospitalId#2470patNo#P1timeStamp#1accessSecret#s')],
    ['Xiamen ClinicExamView (MD5 UTF-16LE)', 'xiamen-exam-view', xm, () => md5(Buffer.from(xmValues + 'key', 'utf16le'))],
  ];
  console.log(`link verification, ${seconds} s per measurement, database ${sql.kind}`);
  console.log('| dialect / page | verifications/s | bare crypto ops/s | ratio (ours / bare) |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [label, page, search, bare] of cases) {
    await verifyLink(page, search, { prisma }); // must verify
    const ours = await rate(() => verifyLink(page, search, { prisma }));
    const peer = await rate(bare);
    console.log(`| ${label} | ${Math.round(ours).toLocaleString()} | ${Math.round(peer).toLocaleString()} | ${(ours / peer).toFixed(3)} |`);
  }
  await prisma.$disconnect();
  await sql.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
