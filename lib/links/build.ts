// Builds every dialect's links, exactly as the specs describe them (strict in what we send):
// used by `npm run link`, the demo printout and the tests. Keys are passed in; the CLI reads them
// from the database.
import { aesHexEncrypt, idcasSign, neijiangHashRuleSign, tripleDesEncrypt, xiamenToken } from '../crypto/dialect-crypto';
import { formatChinaDateTime } from '../time';
import { strictSign } from './idcas';
import type { H5Page } from './idcas-h5';
import type { XiamenPage } from './xiamen';

const enc = encodeURIComponent;

function query(entries: [string, string][]): string {
  return entries.map(([k, v]) => `${k}=${enc(v)}`).join('&');
}

const IDCAS_PATH = {
  clinicview: '/clinicview/index.html',
  'exam-report': '/clinicview/exam-report.html',
  'repeat-reminder': '/clinicview/repeat-reminder.html',
  recognition: '/clinicview/recognition.html',
} as const;

export interface IdcasLinkInput {
  desKey: string;
  desIv: string;
  md5Key: string;
  /** Raw Base64 sev. */
  sev: string;
  /** Token JSON (P1/P2: work_no, org_code, patient selectors; R3: the recognition fields). Absent for repeat-reminder. */
  token?: Record<string, string>;
  /** Plain parameters in the order they should appear (source, nosearch, start_time … / exam selectors / reminder fields). */
  params?: [string, string][];
  timestamp?: Date;
  /** Our strict variant: add `psign` over every parameter. */
  strict?: boolean;
}

/** The empty P1 token fields, in the spec's order (the minified JSON is what gets encrypted). */
export function patientToken(t: Partial<Record<'work_no' | 'org_code' | 'med_rec_no' | 'visit_id' | 'accession_number' | 'id_card_no' | 'patient_name' | 'placer_order_no', string>>) {
  return {
    work_no: t.work_no ?? '',
    org_code: t.org_code ?? '',
    med_rec_no: t.med_rec_no ?? '',
    visit_id: t.visit_id ?? '',
    accession_number: t.accession_number ?? '',
    id_card_no: t.id_card_no ?? '',
    patient_name: t.patient_name ?? '',
    placer_order_no: t.placer_order_no ?? '',
  };
}

export function buildIdcasLink(base: string, page: keyof typeof IDCAS_PATH, i: IdcasLinkInput): string {
  const token = i.token ? tripleDesEncrypt(JSON.stringify(i.token), i.desKey, i.desIv) : '';
  const timestamp = formatChinaDateTime(i.timestamp ?? new Date());
  const entries: [string, string][] = [...(i.params ?? [])];
  if (page !== 'repeat-reminder') entries.push(['token', token]);
  entries.push(['sev', i.sev], ['timestamp', timestamp], ['sign', idcasSign(token, i.sev, timestamp, i.md5Key)]);
  if (i.strict) entries.push(['psign', strictSign(entries, i.md5Key)]);
  return `${base}${IDCAS_PATH[page]}?${query(entries)}`;
}

export interface H5LinkInput {
  desKey: string;
  desIv: string;
  accessToken: string;
  /** Values in the order of the spec's template; encrypted one by one (empty ones stay empty). */
  params: [string, string][];
}

const H5_PATH: Record<H5Page, string> = {
  'h5-report-list': 'report-list',
  'h5-exam-detail': 'exam-detail',
  'h5-lab-detail': 'lab-detail',
  'h5-exam-report': 'exam-report',
};

export function buildH5Link(base: string, page: H5Page, i: H5LinkInput): string {
  const plain = page === 'h5-exam-report';
  const entries: [string, string][] = i.params.map(([k, v]) => [k, plain || !v || k === 'nosearch' ? v : tripleDesEncrypt(v, i.desKey, i.desIv)]);
  const fixed: [string, string][] = plain ? [['from', 'third'], ['clinic_type', '0']] : [['from', 'third'], ['encrypt_type', '1']];
  return `${base}/sharevisit/mobile/digitalimage/${H5_PATH[page]}?${query([...entries, ...fixed, ['token', i.accessToken]])}`;
}

export interface DimageChannelInput {
  aesKey: string;
  aesIv: string;
  hospitalCode: string;
  accessionNumber: string;
  /** yyyyMMdd */
  studyDate: string;
  timestamp?: Date;
  showAi?: boolean;
  feeCheck?: boolean;
  privacyCheck?: boolean;
  imageOnly?: boolean;
}

export function buildDimageChannelLink(base: string, i: DimageChannelInput): string {
  const plain = ['HIS', 'ACCESSIONNUMBER', i.hospitalCode, i.accessionNumber, i.studyDate, String((i.timestamp ?? new Date()).getTime()), i.showAi ? '1' : '0', `${i.feeCheck ? 1 : 0}${i.privacyCheck ? 1 : 0}`].join('#');
  const channel = aesHexEncrypt(plain, i.aesKey, i.aesIv);
  return `${base}/dimage/index.html?stm=${enc(i.hospitalCode)}&channel=${channel}${i.imageOnly ? '&mode=imageOnly' : ''}`;
}

export interface DimageQrInput {
  aesKey: string;
  aesIv: string;
  hsCode: string;
  accessionNumbers: string[];
  /** yyyyMMdd */
  date: string;
  patientId?: string;
  reportSource?: 'FTImage' | 'FtReport';
}

export function buildDimageQrLink(base: string, i: DimageQrInput): string {
  const entries: [string, string][] = [['accessionNumber', i.accessionNumbers.map((a) => aesHexEncrypt(a, i.aesKey, i.aesIv)).join(',')]];
  if (i.patientId) entries.push(['PatientId', i.patientId]);
  entries.push(['hsCode', i.hsCode], ['date', i.date]);
  if (i.reportSource) entries.push(['rs', i.reportSource]);
  return `${base}/dimage/index.html?${query(entries)}`;
}

export interface OpenLinkInput {
  accessKey: string;
  accessSecret: string;
  hospitalCode: string;
  queryKey: 'patIcCard' | 'patNo' | 'clinicId';
  queryValue: string;
  timestamp?: Date;
}

export function buildOpenLink(base: string, i: OpenLinkInput): string {
  const ts = String((i.timestamp ?? new Date()).getTime());
  const sign = neijiangHashRuleSign(i.accessKey, i.hospitalCode, { key: i.queryKey, value: i.queryValue }, ts, i.accessSecret, 'hash-separated');
  return `${base}/open/index.html?${query([['hospitalCode', i.hospitalCode], ['queryKey', i.queryKey], ['queryValue', i.queryValue], ['accessKey', i.accessKey], ['timeStamp', ts], ['sign', sign]])}`;
}

const XIAMEN_PATH: Record<XiamenPage, string> = {
  'xiamen-exam-view': 'ClinicExamView',
  'xiamen-exam-list': 'ClinicExamList',
  'xiamen-related': 'RelatedExamList',
  'xiamen-exam': 'ClinicExam',
};

export interface XiamenLinkInput {
  customerGuid: string;
  secret: string;
  /** Parameters after the GUID, in order; Timestamp is appended. */
  params: [string, string][];
  timestamp?: Date;
}

export function buildXiamenLink(base: string, page: XiamenPage, i: XiamenLinkInput): string {
  const guidName = page === 'xiamen-exam-view' ? 'CustomerGuid' : 'UserUID';
  const entries: [string, string][] = [[guidName, i.customerGuid], ...i.params, ['Timestamp', String(Math.floor((i.timestamp ?? new Date()).getTime() / 1000))]];
  entries.push(['token', xiamenToken(entries.map(([, v]) => v), i.secret)]);
  return `${base}/IDCAS/Interface/${XIAMEN_PATH[page]}?${query(entries)}`;
}
