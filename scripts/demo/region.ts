// The demo region as plain data: hospitals, doctors, patients, exams and lab tests, drawn from a
// seeded PRNG (same seed + same anchor date → same region). Writers (load.ts, bulk.ts) put it
// into the database. The specs' own example subjects are included so their example links open
// something real (see SPEC_SUBJECTS).
import { SEED_SEVS, SPEC_SUBJECTS } from '../../lib/demo/spec-subjects';
import { SICHUAN_STANDARD_ITEMS } from '../../lib/domain/standard-items';
import { EXAM_ITEM_TEMPLATES, itemSuitsPatient, type ExamItemTemplate } from './catalog';
import { LAB_PANELS, generateLabResults, type LabPanel } from './labs';
import { makeDoctorName, makePerson, type Person } from './people';
import { writeExamReport } from './reports';
import { createRng, type Rng } from './rng';

export interface OrgPlan {
  code: string;
  name: string;
  shortName: string;
  grade: string;
  kind: 'HOSPITAL' | 'PLATFORM';
  scopes: string[];
  /** How this hospital numbers its exams. */
  accession: (n: number) => string;
  patientIdPrefix: string;
}

export interface ClinicianPlan {
  orgCode: string;
  workNo: string;
  name: string;
  deptCode: string;
  deptName: string;
  title: string;
  sevs: string[];
}

export interface IdentifierPlan {
  orgCode: string;
  kind: 'PATIENT_ID' | 'MED_REC_NO' | 'OUTPATIENT_NO' | 'INPATIENT_NO';
  value: string;
}

export interface PatientPlan extends Person {
  key: number;
  identifiers: IdentifierPlan[];
}

export type Outcome = 'normal' | 'positive' | 'critical';

export interface ExamPlan {
  orgCode: string;
  patientKey: number;
  accessionNumber: string;
  studyInstanceUid: string | null;
  placerOrderNo: string;
  visitNo: string;
  patientType: 'OUTPATIENT' | 'INPATIENT' | 'CHECKUP' | 'EMERGENCY';
  patientAge: string;
  item: ExamItemTemplate;
  applyDeptName: string;
  applyDoctorName: string;
  reportDoctor: ClinicianPlan;
  auditDoctor: ClinicianPlan;
  requestedAt: Date;
  registeredAt: Date;
  performedAt: Date;
  reportedAt: Date;
  auditedAt: Date;
  findings: string;
  impression: string;
  clinicalDiagnosis: string;
  briefHistory: string;
  outcome: Outcome;
  criticalNote: string | null;
  withPdf: boolean;
}

export interface LabPlan {
  orgCode: string;
  patientKey: number;
  accessionNumber: string;
  placerOrderNo: string;
  panel: LabPanel;
  applyDeptName: string;
  applyDoctorName: string;
  reportDoctor: ClinicianPlan;
  auditDoctor: ClinicianPlan;
  sampledAt: Date;
  reportedAt: Date;
  results: ReturnType<typeof generateLabResults>;
}

export interface RegionPlan {
  anchor: Date;
  organizations: OrgPlan[];
  scopes: { code: string; name: string }[];
  clinicians: ClinicianPlan[];
  patients: PatientPlan[];
  exams: ExamPlan[];
  labs: LabPlan[];
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const DAY = 86_400_000;

/** Hospitals of the fictitious city 云州; the codes are the ones the specs' examples use. */
export const ORGANIZATIONS: OrgPlan[] = [
  { code: '2470', name: '云州市第一人民医院', shortName: '市一院', grade: '三级甲等', kind: 'HOSPITAL', scopes: ['YZHR', '川渝HR'], accession: (n) => `SD-${pad(n, 5)}`, patientIdPrefix: 'P1' },
  { code: '57120003', name: '云州市中医医院', shortName: '市中医院', grade: '三级甲等', kind: 'HOSPITAL', scopes: ['YZHR', '川渝HR'], accession: (n) => pad(n, 9), patientIdPrefix: 'ZY' },
  { code: '10001201', name: '云州市妇幼保健院', shortName: '市妇幼', grade: '三级乙等', kind: 'HOSPITAL', scopes: ['YZHR', '川渝HR'], accession: (n) => `FY${pad(n, 7)}`, patientIdPrefix: 'FY' },
  { code: 'SAF2313', name: '云州市第二人民医院', shortName: '市二院', grade: '三级乙等', kind: 'HOSPITAL', scopes: ['YZHR'], accession: (n) => `CS${pad(n, 8)}`, patientIdPrefix: 'XR' },
  { code: '2402', name: '云州市肿瘤医院', shortName: '市肿瘤医院', grade: '三级甲等', kind: 'HOSPITAL', scopes: ['YZHR', '川渝HR'], accession: (n) => `ZL${pad(n, 6)}`, patientIdPrefix: 'ZL' },
  { code: 'HSX00923', name: '云州市第三人民医院', shortName: '市三院', grade: '二级甲等', kind: 'HOSPITAL', scopes: ['YZHR'], accession: (n) => `S3${pad(n, 7)}`, patientIdPrefix: 'S3' },
  { code: '221', name: '云州市临床检验中心', shortName: '检验中心', grade: '二级', kind: 'HOSPITAL', scopes: ['YZHR'], accession: (n) => `JY${pad(n, 7)}`, patientIdPrefix: 'JY' },
  { code: '1', name: '云州市高新区社区卫生服务中心', shortName: '高新社区', grade: '一级', kind: 'HOSPITAL', scopes: ['YZHR'], accession: (n) => `GX${pad(n, 6)}`, patientIdPrefix: 'GX' },
  { code: 'YZPLATFORM', name: '云州市区域医学影像云平台', shortName: '影像云平台', grade: '—', kind: 'PLATFORM', scopes: [], accession: (n) => `PF${n}`, patientIdPrefix: 'PF' },
];

export const SCOPES = [
  { code: 'YZHR', name: '云州市检查检验结果互认' },
  { code: '川渝HR', name: '川渝地区检查检验结果互认' },
];

const DEPTS = [
  ['0301', '心血管内科'], ['0302', '呼吸内科'], ['0303', '消化内科'], ['0304', '神经内科'], ['0401', '普通外科'],
  ['0402', '骨科'], ['0403', '神经外科'], ['0501', '妇产科'], ['0601', '儿科'], ['0701', '急诊科'], ['0801', '体检中心'],
] as const;

const CLINICAL_DEPT_FOR_PART: Record<string, string> = {
  头部: '神经内科', 鞍区: '神经外科', 胸部: '呼吸内科', 心脏: '心血管内科', 腹部: '消化内科', 盆腔: '普通外科',
  颈椎: '骨科', 胸椎: '骨科', 腰椎: '骨科', 骶尾椎: '骨科', 膝关节: '骨科', 踝关节: '骨科', 髋关节: '骨科',
  肩关节: '骨科', 肘关节: '骨科', 腕关节: '骨科', 手: '骨科', 足: '骨科', 骨盆: '骨科', 乳腺: '普通外科',
  甲状腺: '普通外科', 子宫附件: '妇产科', 胃: '消化内科', 结肠: '消化内科', 鼻部: '耳鼻咽喉科', 泌尿系: '泌尿外科',
  颈部血管: '神经内科', 头颈部血管: '神经内科', 前列腺: '泌尿外科',
};

function ageAt(birthDate: string, at: Date): number {
  const b = new Date(`${birthDate}T00:00:00Z`);
  let age = at.getUTCFullYear() - b.getUTCFullYear();
  if (at.getUTCMonth() < b.getUTCMonth() || (at.getUTCMonth() === b.getUTCMonth() && at.getUTCDate() < b.getUTCDate())) age--;
  return Math.max(age, 0);
}

/** Reporting workflow times from a performed time: report within hours, audit after. */
function workflow(rng: Rng, performedAt: Date) {
  const requestedAt = new Date(performedAt.getTime() - rng.int(1, 72) * 3_600_000);
  const registeredAt = new Date(performedAt.getTime() - rng.int(5, 90) * 60_000);
  const reportedAt = new Date(performedAt.getTime() + rng.int(20, 240) * 60_000);
  const auditedAt = new Date(reportedAt.getTime() + rng.int(5, 180) * 60_000);
  return { requestedAt, registeredAt, reportedAt, auditedAt };
}

/** Working hours in China (UTC+8): 08:00–18:00 local. */
function workingTime(rng: Rng, day: Date): Date {
  const d = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
  return new Date(d.getTime() + rng.int(0, 10 * 60) * 60_000); // 00:00–10:00 UTC = 08:00–18:00 CST
}

export interface PlanOptions {
  seed: number;
  patients: number;
  /** "Today" of the region; exams fall in the three years before it. Default: today (UTC). */
  anchor?: Date;
}

export function planRegion(opts: PlanOptions): RegionPlan {
  const rng = createRng(opts.seed);
  const anchor = opts.anchor ?? new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
  const hospitals = ORGANIZATIONS.filter((o) => o.kind === 'HOSPITAL');
  const imagingHospitals = hospitals.filter((o) => o.code !== '221');

  // Doctors: radiologists who report and audit, clinicians who order.
  const clinicians: ClinicianPlan[] = [];
  for (const org of hospitals) {
    for (let i = 1; i <= 3; i++) {
      clinicians.push({ orgCode: org.code, workNo: `R${pad(i, 3)}`, name: makeDoctorName(rng), deptCode: 'RIS', deptName: '医学影像科', title: i === 1 ? '主任医师' : i === 2 ? '副主任医师' : '主治医师', sevs: [] });
    }
    clinicians.push({ orgCode: org.code, workNo: 'L001', name: makeDoctorName(rng), deptCode: 'LIS', deptName: '检验科', title: '主管技师', sevs: [] });
    for (let i = 1; i <= 4; i++) {
      const [deptCode, deptName] = DEPTS[(i * 3 + org.code.length) % DEPTS.length];
      clinicians.push({ orgCode: org.code, workNo: pad(i, 3), name: makeDoctorName(rng), deptCode, deptName, title: i === 1 ? '主任医师' : '主治医师', sevs: [] });
    }
  }
  const doctor = (orgCode: string, workNo: string) => clinicians.find((c) => c.orgCode === orgCode && c.workNo === workNo)!;
  // The seeds' sev values belong to these accounts (P1/R3: 2470 工号 001; P3: 2470 工号 002).
  doctor('2470', '001').sevs.push(SEED_SEVS.clinicviewExample, SEED_SEVS.clinicviewTable);
  doctor('2470', '002').sevs.push(SEED_SEVS.repeatReminderExample);
  clinicians.push({ orgCode: '1', workNo: '1', name: makeDoctorName(rng), deptCode: '0101', deptName: '全科', title: '主治医师', sevs: [SEED_SEVS.examReportExample] });

  const patients: PatientPlan[] = [];
  const exams: ExamPlan[] = [];
  const labs: LabPlan[] = [];
  const accessionCounter = new Map<string, number>();
  const usedAccessions = new Set<string>();
  const nextAccession = (org: OrgPlan) => {
    for (;;) {
      const n = (accessionCounter.get(org.code) ?? 1000) + rng.int(1, 37);
      accessionCounter.set(org.code, n);
      const acc = org.accession(n);
      if (!usedAccessions.has(`${org.code}|${acc}`)) {
        usedAccessions.add(`${org.code}|${acc}`);
        return acc;
      }
    }
  };
  const orgByCode = (code: string) => ORGANIZATIONS.find((o) => o.code === code)!;

  const identify = (p: PatientPlan, org: OrgPlan) => {
    if (!p.identifiers.some((i) => i.orgCode === org.code && i.kind === 'PATIENT_ID')) {
      p.identifiers.push({ orgCode: org.code, kind: 'PATIENT_ID', value: `${org.patientIdPrefix}${pad(100000 + p.key * 7 + org.code.length, 7)}` });
      p.identifiers.push({ orgCode: org.code, kind: 'MED_REC_NO', value: `${org.patientIdPrefix}M${pad(p.key, 6)}` });
    }
  };

  const addExam = (p: PatientPlan, org: OrgPlan, item: ExamItemTemplate, performedAt: Date, extra: Partial<ExamPlan> = {}) => {
    identify(p, org);
    const outcome: Outcome = extra.outcome ?? (rng.chance(0.04) ? 'critical' : rng.chance(0.35) ? 'positive' : 'normal');
    const age = ageAt(p.birthDate, performedAt);
    const report = writeExamReport(rng, { modality: item.modality, bodyPart: item.bodyPart, itemName: item.name, sex: p.sex, age, outcome });
    const radiologists = clinicians.filter((c) => c.orgCode === org.code && c.deptCode === 'RIS');
    const reportDoctor = radiologists[rng.int(1, radiologists.length - 1)];
    const auditDoctor = radiologists[0];
    const patientType = outcome === 'critical' ? 'EMERGENCY' : rng.pick(['OUTPATIENT', 'OUTPATIENT', 'INPATIENT', 'CHECKUP'] as const);
    const deptName = patientType === 'EMERGENCY' ? '急诊科' : patientType === 'CHECKUP' ? '体检中心' : (CLINICAL_DEPT_FOR_PART[item.bodyPart] ?? '内科');
    const visitNo = `${patientType === 'INPATIENT' ? 'ZY' : 'MZ'}${performedAt.getUTCFullYear()}${pad(rng.int(1, 999999), 6)}`;
    const exam: ExamPlan = {
      orgCode: org.code,
      patientKey: p.key,
      accessionNumber: extra.accessionNumber ?? nextAccession(org),
      studyInstanceUid: null,
      placerOrderNo: `SQ${org.patientIdPrefix}${performedAt.getUTCFullYear()}${pad(rng.int(1, 9_999_999), 7)}`,
      visitNo,
      patientType,
      patientAge: String(age),
      item,
      applyDeptName: deptName,
      applyDoctorName: makeDoctorName(rng),
      reportDoctor,
      auditDoctor,
      performedAt,
      ...workflow(rng, performedAt),
      findings: report.findings,
      impression: report.impression,
      clinicalDiagnosis: report.clinicalDiagnosis,
      briefHistory: report.briefHistory,
      outcome,
      criticalNote: report.criticalNote ?? null,
      withPdf: rng.chance(0.3),
      ...extra,
    };
    if (extra.accessionNumber) usedAccessions.add(`${org.code}|${extra.accessionNumber}`);
    exams.push(exam);
    return exam;
  };

  const addLab = (p: PatientPlan, org: OrgPlan, panel: LabPanel, sampledAt: Date) => {
    identify(p, org);
    const lab = clinicians.find((c) => c.orgCode === org.code && c.deptCode === 'LIS')!;
    const results = generateLabResults(rng, panel, { abnormalRate: 0.15 });
    labs.push({
      orgCode: org.code,
      patientKey: p.key,
      accessionNumber: nextAccession(org),
      placerOrderNo: `JY${org.patientIdPrefix}${sampledAt.getUTCFullYear()}${pad(rng.int(1, 9_999_999), 7)}`,
      panel,
      applyDeptName: rng.pick(DEPTS)[1],
      applyDoctorName: makeDoctorName(rng),
      reportDoctor: lab,
      auditDoctor: lab,
      sampledAt,
      reportedAt: new Date(sampledAt.getTime() + rng.int(60, 600) * 60_000),
      results,
    });
  };

  const newPatient = (person: Person): PatientPlan => {
    const p: PatientPlan = { ...person, key: patients.length + 1, identifiers: [] };
    patients.push(p);
    return p;
  };
  const itemByCode = (code: string) => EXAM_ITEM_TEMPLATES.find((t) => t.code === code)!;
  const panelByName = (name: string) => LAB_PANELS.find((l) => l.name === name)!;
  const randomDay = (maxDaysAgo: number, minDaysAgo = 0) => workingTime(rng, new Date(anchor.getTime() - rng.int(minDaysAgo, maxDaysAgo) * DAY));

  // ── The specs' example subjects ──
  {
    const s = SPEC_SUBJECTS.clinicview;
    const p = newPatient(makePerson(rng, { birthYearMin: 1950, birthYearMax: 1980 }));
    addExam(p, orgByCode(s.orgCode), itemByCode('CT0201'), new Date(s.performedAt), { accessionNumber: s.accessionNumber, outcome: 'positive', withPdf: true });
    addExam(p, orgByCode('57120003'), itemByCode('DR0102'), randomDay(60, 5));
    addLab(p, orgByCode('221'), panelByName('血常规'), randomDay(40, 2));
  }
  {
    const s = SPEC_SUBJECTS.repeatReminder;
    const base = makePerson(rng);
    const p = newPatient({ ...base, name: s.name, sex: s.sex, birthDate: s.birthDate, idCardNo: s.idCardNo });
    addExam(p, orgByCode('57120003'), itemByCode('CT0101'), randomDay(30, 3), { outcome: 'normal', withPdf: true });
    addExam(p, orgByCode('2470'), itemByCode('MR0101'), randomDay(400, 200), { outcome: 'normal' });
    addExam(p, orgByCode('SAF2313'), itemByCode('DR0102'), randomDay(20, 1));
    addLab(p, orgByCode('221'), panelByName('微量元素六项'), randomDay(25, 2));
    addLab(p, orgByCode('2470'), panelByName('血常规'), randomDay(10, 1));
  }
  {
    const s = SPEC_SUBJECTS.dimage;
    const p = newPatient(makePerson(rng));
    addExam(p, orgByCode(s.orgCode), itemByCode('MR0101'), new Date(s.performedAt), { accessionNumber: s.accessionNumber });
  }
  {
    const s = SPEC_SUBJECTS.jilin;
    const p = newPatient(makePerson(rng, { birthYearMin: 2010, birthYearMax: 2012 }));
    p.identifiers.push({ orgCode: s.orgCode, kind: 'PATIENT_ID', value: s.patientId });
    addExam(p, orgByCode(s.orgCode), itemByCode('DR0101'), new Date(s.performedAt), {
      accessionNumber: s.accessionNumber,
      studyInstanceUid: s.studyInstanceUid,
      outcome: 'normal',
    });
  }
  {
    const s = SPEC_SUBJECTS.h5List;
    const p = newPatient({ ...makePerson(rng), idCardNo: s.idCardNo, birthDate: '1963-09-01', sex: 'M' });
    p.identifiers.push({ orgCode: s.orgCode, kind: 'MED_REC_NO', value: s.medRecNo });
    addExam(p, orgByCode(s.orgCode), itemByCode('US0101'), new Date(s.performedAt));
  }
  {
    const s = SPEC_SUBJECTS.h5Detail;
    const p = newPatient(makePerson(rng));
    addExam(p, orgByCode(s.orgCode), itemByCode('CT0203'), randomDay(300, 30), { accessionNumber: s.accessionNumber, outcome: 'critical' });
  }
  {
    const s = SPEC_SUBJECTS.examReport;
    const p = newPatient(makePerson(rng));
    p.identifiers.push({ orgCode: s.orgCode, kind: 'MED_REC_NO', value: s.medRecNo });
    addExam(p, orgByCode(s.orgCode), itemByCode('DR0101'), randomDay(90, 10));
  }

  // ── Everyone else ──
  const target = Math.max(opts.patients, patients.length);
  while (patients.length < target) {
    const p = newPatient(makePerson(rng));
    const examCount = rng.int(1, 3);
    let last: ExamPlan | undefined;
    for (let i = 0; i < examCount; i++) {
      const org = rng.pick(imagingHospitals);
      // A third of follow-ups repeat the previous body part elsewhere: the repeat/recognition cases.
      const day = rng.chance(0.35) ? randomDay(90) : randomDay(3 * 365, 90);
      const suits = EXAM_ITEM_TEMPLATES.filter((t) => itemSuitsPatient(t, p.sex, ageAt(p.birthDate, day)));
      const again = last ? suits.filter((t) => t.bodyPart === last!.item.bodyPart && t.modality === last!.item.modality) : [];
      const item = again.length && rng.chance(0.35) ? rng.pick(again) : rng.pick(suits);
      last = addExam(p, org, item, day);
    }
    for (let i = rng.int(0, 3); i > 0; i--) {
      addLab(p, rng.chance(0.5) ? orgByCode('221') : rng.pick(hospitals), rng.pick(LAB_PANELS), randomDay(2 * 365));
    }
  }

  return { anchor, organizations: ORGANIZATIONS, scopes: SCOPES, clinicians, patients, exams, labs };
}

/** Standard lab items (检验互认), one per panel; exams use SICHUAN_STANDARD_ITEMS. */
export function standardLabItems() {
  return LAB_PANELS.map((p) => ({ code: `JYHR-${p.code}`, name: p.name, kind: 'LAB' as const, validityDays: 14, source: '云州市检验结果互认目录（演示）' }));
}

export { SICHUAN_STANDARD_ITEMS, SPEC_SUBJECTS };
