// Fuzzing the link verifiers: ≥ 10 000 random mutations of valid links across every dialect must
// give 0 accepted links and 0 errors other than a typed refusal. A mutation only counts when it
// really changes what the link says (a case change in a hex sign, or a '+' written as %2B, is
// the same link and is skipped).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_EXAMPLE_PATHS, SEED_SEVS, SPEC_SUBJECTS } from '@/lib/demo/spec-subjects';
import { resolveScope } from '@/lib/domain/subjects';
import { buildIdcasLink, patientToken } from '@/lib/links/build';
import { saveClient } from '@/lib/links/clients';
import { issueDimageChannelLink, issueDimageQrLink, issueIdcasLink, issueOpenLink, issueXiamenLink } from '@/lib/links/issue';
import { verifyLink } from '@/lib/links/open';
import { parseQuery } from '@/lib/links/query';
import { LinkRejection, type LinkPage } from '@/lib/links/types';
import { createRng, type Rng } from '@/scripts/demo/rng';
import { formatChinaDate } from '@/lib/time';
import { regionDatabase } from './support/region';

const MUTATIONS = Number(process.env.LINK_FUZZ_MUTATIONS ?? 10_000);
let db: Awaited<ReturnType<typeof regionDatabase>>;

interface Target {
  page: LinkPage;
  search: string;
  /** Parameters the link's signature covers (mutating the others is not an attack). */
  covered: string[];
  hex: string[];
  base64: string[];
}

const targets: Target[] = [];

beforeAll(async () => {
  db = await regionDatabase(4);
  const base = 'https://yy.example';
  const q = (u: string) => u.slice(u.indexOf('?'));
  const exam = await db.prisma.exam.findFirstOrThrow({ where: { accessionNumber: 'SD-53242' }, include: { patient: true } });
  const token = patientToken({ work_no: '001', org_code: '2470', accession_number: 'SD-53242' });
  const idc = { orgCode: '2470', workNo: '001' };
  const day = formatChinaDate(exam.performedAt).replace(/-/g, '');
  const idcas = { hex: ['sign', 'psign'], base64: ['token', 'sev'] };
  // Strict links are fuzzed against a client that requires them: dropping psign is then no way out.
  const strict = { desKey: 'strict-fuzz-3des-key', desIv: 'Fuzz#IV8', md5Key: 'strict-fuzz-md5' };
  await saveClient(db.prisma, { dialect: 'IDCAS', clientKey: 'fuzz-strict', orgCodes: ['2470'], strictLinks: true, ...strict });
  const strictLink = (page: 'exam-report' | 'repeat-reminder', t: Record<string, string> | undefined, params: [string, string][]) =>
    q(buildIdcasLink(base, page, { ...strict, sev: SEED_SEVS.clinicviewExample, token: t, params, strict: true }));
  targets.push(
    { page: 'clinicview', search: q(await issueIdcasLink(db.prisma, base, 'clinicview', { ...idc, token, params: [['source', 'HIS']] })), covered: ['token', 'sev', 'timestamp', 'sign'], ...idcas },
    { page: 'exam-report', search: strictLink('exam-report', token, [['perform_org_code', '2470'], ['accession_number', 'SD-53242'], ['from', 'third']]), covered: ['*'], ...idcas },
    { page: 'repeat-reminder', search: strictLink('repeat-reminder', undefined, [['clinic_type', '0'], ['id_card_no', SPEC_SUBJECTS.repeatReminder.idCardNo], ['exam_body_part', '头部']]), covered: ['*'], ...idcas },
    {
      page: 'recognition',
      search: q(await issueIdcasLink(db.prisma, base, 'recognition', { ...idc, token: { visit_id: 'V1', org_code: '2470', depart_code: 'D', depart_name: '内科', doctor_no: '001', doctor_name: '医生', doctor_id_card: '', card_type: '9', card_no: '', id_card_no: SPEC_SUBJECTS.repeatReminder.idCardNo, patient_name: '李敏', patient_sex: '2', patient_age: '39', age_unit: '岁', ip_address: '', ip_mac: '', req_type: '3101', observation_item: '' } })),
      covered: ['token', 'sev', 'timestamp', 'sign'],
      ...idcas,
    },
    { page: 'clinicview', search: q(SEED_EXAMPLE_PATHS.clinicview), covered: ['token', 'sev', 'timestamp', 'sign'], ...idcas },
    { page: 'repeat-reminder', search: q(SEED_EXAMPLE_PATHS.repeatReminderExam), covered: ['sev', 'timestamp', 'sign'], ...idcas },
    { page: 'dimage', search: q(SEED_EXAMPLE_PATHS.dimage), covered: ['stm', 'channel'], hex: ['channel'], base64: [] },
    { page: 'dimage', search: q(await issueDimageChannelLink(db.prisma, base, { hospital: '2470', accessionNumber: 'SD-53242', studyDate: day })), covered: ['stm', 'channel'], hex: ['channel'], base64: [] },
    { page: 'dimage-qr', search: q(await issueDimageQrLink(db.prisma, base, { hospital: '2470', accessionNumbers: ['SD-53242'], date: day })), covered: ['accessionNumber', 'hsCode', 'date'], hex: ['accessionNumber'], base64: [] },
    { page: 'open', search: q(await issueOpenLink(db.prisma, base, { hospital: '2470', queryKey: 'patNo', queryValue: (await db.prisma.patientIdentifier.findFirstOrThrow({ where: { patientId: exam.patientId, kind: 'PATIENT_ID', organization: { code: '2470' } } })).value })), covered: ['*'], hex: ['sign'], base64: [] },
    { page: 'xiamen-exam-view', search: q(await issueXiamenLink(db.prisma, base, 'xiamen-exam-view', { params: [['UserID', '001'], ['UserName', '张医生'], ['UserOrganizationID', '2470'], ['AccessionNumber', 'SD-53242']] })), covered: ['*'], hex: ['token'], base64: [] },
  );
}, 300_000);

afterAll(async () => {
  await db?.dispose();
});

/** What a link says, after the repairs the verifiers make: equal → the same link. */
function meaning(t: Target, search: string): string {
  try {
    const entries = parseQuery(search).entries.map(([n, v]) => {
      let value = v.trim();
      if (t.base64.includes(n)) {
        if (/%[0-9A-Fa-f]{2}/.test(value)) value = decodeURIComponent(value);
        value = value.replace(/ /g, '+');
      }
      if (t.hex.includes(n)) value = value.replace(/\s+/g, '').toUpperCase();
      return [n, value];
    });
    return JSON.stringify(entries);
  } catch {
    return `unparseable:${search}`;
  }
}

const ALPHABET = 'ABCDEFabcdef0123456789+/=%-_. #&?中测';

function mutate(rng: Rng, t: Target): string {
  const parts = t.search.slice(1).split('&').map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
  });
  const coveredIdx = parts.map((p, i) => [p, i] as const).filter(([p]) => t.covered.includes('*') || t.covered.includes(p[0].trim())).map(([, i]) => i);
  const i = rng.pick(coveredIdx);
  const [name, value] = parts[i];
  const pos = rng.int(0, Math.max(value.length - 1, 0));
  const ch = ALPHABET[rng.int(0, ALPHABET.length - 1)];
  switch (rng.int(0, 8)) {
    case 0: parts[i] = [name, value.slice(0, pos) + ch + value.slice(pos + 1)]; break; // replace
    case 1: parts[i] = [name, value.slice(0, pos) + value.slice(pos + 1)]; break; // delete
    case 2: parts[i] = [name, value.slice(0, pos) + ch + value.slice(pos)]; break; // insert
    case 3: parts[i] = [name, value.slice(0, rng.int(0, value.length))]; break; // truncate
    case 4: parts.splice(i, 1); break; // drop
    case 5: parts.push([name, value.slice(1) + ch]); break; // give twice
    case 6: { // swap with another covered value
      const j = rng.pick(coveredIdx);
      const v = parts[j][1];
      parts[j] = [parts[j][0], value];
      parts[i] = [name, v];
      break;
    }
    case 7: parts[i] = [name.slice(0, -1) + (name.endsWith('x') ? 'y' : 'x'), value]; break; // rename
    default: parts[i] = [name, value + value.slice(0, rng.int(1, 8))]; break; // extend
  }
  return `?${parts.map(([n, v]) => `${n}=${v}`).join('&')}`;
}

describe('link fuzzing', () => {
  it('every target verifies before it is mutated', async () => {
    for (const t of targets) {
      const ctx = await verifyLink(t.page, t.search, { prisma: db.prisma });
      expect((await resolveScope(db.prisma, ctx)).patientId).toBeGreaterThan(0);
    }
  });

  it(`${MUTATIONS} genuine mutations across dialects: 0 accepted, 0 unhandled`, async () => {
    const rng = createRng(20261122);
    const reasons = new Map<string, number>();
    const accepted: string[] = [];
    const unhandled: string[] = [];
    let genuine = 0;
    let skipped = 0;
    while (genuine < MUTATIONS) {
      const t = targets[genuine % targets.length];
      const search = mutate(rng, t);
      if (meaning(t, search) === meaning(t, t.search)) {
        skipped++;
        continue;
      }
      genuine++;
      try {
        const ctx = await verifyLink(t.page, search, { prisma: db.prisma });
        await resolveScope(db.prisma, ctx);
        accepted.push(`${t.page} ${search}`);
      } catch (e) {
        if (e instanceof LinkRejection) reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
        else unhandled.push(`${t.page} ${(e as Error).name}: ${(e as Error).message} ${search}`);
      }
    }
    console.log(`[fuzz] ${genuine} genuine mutations (${skipped} no-op mutations skipped); refusals by reason:`, Object.fromEntries(reasons));
    expect(unhandled.slice(0, 5)).toEqual([]);
    expect(accepted.slice(0, 5)).toEqual([]);
    expect(genuine).toBeGreaterThanOrEqual(MUTATIONS);
  }, 600_000);
});
