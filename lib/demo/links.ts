// Fresh links to every page of the demo, built with the demo clients' keys (signed links expire,
// so they are made on request). Served by /api/demo/links and shown on the home page in demo mode.
import type { PrismaClient } from '@prisma/client';
import { config } from '../config';
import { issueDimageChannelLink, issueDimageQrLink, issueH5Link, issueIdcasLink, issueOpenLink, issueXiamenLink } from '../links/issue';
import { patientToken } from '../links/build';
import { openPii } from '../crypto/pii';
import { formatChinaDate } from '../time';
import { SEED_EXAMPLE_PATHS, SPEC_SUBJECTS } from './spec-subjects';

export interface DemoLink {
  label: string;
  url: string;
}

export function demoLinksEnabled(): boolean {
  return process.env.YINGYUN_DEMO_LINKS === '1';
}

const ymd = (d: Date | null) => formatChinaDate(d).replace(/-/g, '');

export async function demoLinks(prisma: PrismaClient): Promise<DemoLink[]> {
  const base = config.publicBaseUrl;
  const links: DemoLink[] = [{ label: '首页', url: `${base}/` }];
  const cv = SPEC_SUBJECTS.clinicview;
  const exam = await prisma.exam.findFirst({ where: { accessionNumber: cv.accessionNumber, organization: { code: cv.orgCode } }, include: { patient: { include: { identifiers: { include: { organization: true } } } } } });
  const remind = await prisma.patient.findFirst({ where: { exams: { some: { bodyPart: '头部' } }, labTests: { some: { itemName: '微量元素六项' } } }, orderBy: { id: 'asc' } });
  if (!exam || !remind) return links; // no demo region loaded
  const medRec = exam.patient.identifiers.find((i) => i.kind === 'MED_REC_NO' && i.organization.code === cv.orgCode)?.value ?? '';
  const idCard = exam.patient.idCardCipher ? openPii(exam.patient.idCardCipher) : '';
  const remindIdCard = openPii(remind.idCardCipher!);
  const who = { orgCode: cv.orgCode, workNo: cv.workNo };

  links.push(
    { label: '临床调阅（IDCAS）', url: await issueIdcasLink(prisma, base, 'clinicview', { ...who, token: patientToken({ work_no: cv.workNo, org_code: cv.orgCode, med_rec_no: medRec }), params: [['source', 'HIS'], ['nosearch', 'true']] }) },
    { label: '检查报告（IDCAS，全参数签名）', url: await issueIdcasLink(prisma, base, 'exam-report', { ...who, token: patientToken({ work_no: cv.workNo, org_code: cv.orgCode, med_rec_no: medRec }), params: [['obs_id', ''], ['perform_org_code', cv.orgCode], ['accession_number', cv.accessionNumber], ['from', 'third'], ['clinic_type', '0']], strict: true }) },
    { label: '重复检查提醒（IDCAS，头部）', url: await issueIdcasLink(prisma, base, 'repeat-reminder', { orgCode: cv.orgCode, workNo: '002', params: [['source', 'HIS'], ['clinic_type', '0'], ['user_org_code', cv.orgCode], ['user_id', '002'], ['patient_name', remind.name], ['id_card_no', remindIdCard], ['exam_body_part', '头部']], strict: true }) },
    {
      label: '检查结果互认（IDCAS）',
      url: await issueIdcasLink(prisma, base, 'recognition', {
        ...who,
        token: { visit_id: `MZ${Date.now()}`, org_code: cv.orgCode, depart_code: '0304', depart_name: '神经内科', doctor_no: cv.workNo, doctor_name: '演示医生', doctor_id_card: '', card_type: '2', card_no: '', id_card_no: remindIdCard, patient_name: remind.name, patient_sex: remind.sex === 'M' ? '1' : '2', patient_age: '39', age_unit: '岁', ip_address: '10.0.0.8', ip_mac: '00-16-3E-00-00-08', req_type: '3103', observation_item: 'CT0101' },
        params: [['source', 'HIS']],
      }),
    },
    { label: '数字影像（内江 channel）', url: await issueDimageChannelLink(prisma, base, { hospital: cv.orgCode, accessionNumber: cv.accessionNumber, studyDate: ymd(exam.performedAt) }) },
    { label: '报告单二维码（内江）', url: await issueDimageQrLink(prisma, base, { hospital: cv.orgCode, accessionNumbers: [cv.accessionNumber], date: ymd(exam.performedAt) }) },
    { label: '患者影像列表（内江 /open）', url: await issueOpenLink(prisma, base, { hospital: cv.orgCode, queryKey: 'patIcCard', queryValue: idCard }) },
    { label: '检查查询（厦门 ClinicExamView）', url: await issueXiamenLink(prisma, base, 'xiamen-exam-view', { params: [['UserID', cv.workNo], ['UserName', '演示医生'], ['UserOrganizationID', cv.orgCode], ['UserOrganizationName', '云州市第一人民医院'], ['MedRecNO', medRec]] }) },
    { label: '检查列表（IDCAS H5）', url: await issueH5Link(prisma, base, 'h5-report-list', { orgCode: cv.orgCode, subject: 'demo-app-user', params: [['nosearch', 'true'], ['identity_type', '1'], ['identity_no', idCard], ['perform_org_code', cv.orgCode], ['perform_time_start', '2015-01-01'], ['perform_time_end', formatChinaDate(new Date())]] }) },
    // Spaces in the seeds' URLs are sent as %20 (as a browser would), so the printed link is one word.
    { label: '规范示例：临床调阅（seed 002 原文）', url: base + SEED_EXAMPLE_PATHS.clinicview.replace('? ', '?').replace(/ /g, '%20') },
    { label: '规范示例：重复检查提醒（seed 002 原文）', url: base + SEED_EXAMPLE_PATHS.repeatReminderExam },
    { label: '规范示例：数字影像 channel（seed 001 原文）', url: base + SEED_EXAMPLE_PATHS.dimage },
  );
  return links;
}
