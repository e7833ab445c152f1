// What a verified link means, independent of the dialect that carried it, and the typed
// refusal when it does not verify. Pages and data routes only ever see a LinkContext.
import type { Dialect } from '@prisma/client';

export type LinkPage =
  | 'clinicview' // IDCAS P1 /clinicview/index.html
  | 'exam-report' // IDCAS P2 /clinicview/exam-report.html
  | 'repeat-reminder' // IDCAS P3 /clinicview/repeat-reminder.html
  | 'recognition' // IDCAS R3 /clinicview/recognition.html
  | 'h5-report-list' // IDCAS H1
  | 'h5-exam-detail' // IDCAS H2
  | 'h5-lab-detail' // IDCAS H3
  | 'h5-exam-report' // IDCAS H4
  | 'dimage' // Neijiang /dimage/index.html?stm&channel
  | 'dimage-qr' // Neijiang report QR /dimage/index.html?accessionNumber&hsCode&date
  | 'open' // Neijiang 302 /open/index.html
  | 'xiamen-exam-view' // Xiamen /IDCAS/Interface/ClinicExamView
  | 'xiamen-exam-list' // ClinicExamList
  | 'xiamen-related' // RelatedExamList
  | 'xiamen-exam'; // ClinicExam

/** Who opens the link. `orgCode`/`workNo` are the acting doctor as the link states them. */
export interface Caller {
  kind: 'CLINICIAN' | 'PATIENT' | 'CLIENT';
  clientId: number;
  orgCode?: string;
  workNo?: string;
  name?: string;
  deptCode?: string;
  deptName?: string;
  /** The registered account the link authenticated (IDCAS sev). */
  accountClinicianId?: number;
  ipAddress?: string;
  mac?: string;
}

/** How the link names the patient; any one field may suffice. Clear values live only in memory. */
export interface PatientSelector {
  orgCode?: string;
  idCardNo?: string;
  name?: string;
  medRecNo?: string;
  visitNo?: string;
  patientId?: string;
  cardNo?: string;
  healthCardNo?: string;
  insuranceNo?: string;
  /** "The patient of this exam" (a signed accession or order number that names the patient). */
  accessionNumber?: string;
  placerOrderNo?: string;
}

/** How the link names exams (or lab tests). */
export interface ExamSelector {
  orgCode?: string;
  /** Our own exam id (IDCAS obs_id). */
  examId?: number;
  accessionNumbers?: string[];
  placerOrderNo?: string;
  studyInstanceUid?: string;
  /** yyyy-MM-dd, a day the exam must fall on (Neijiang QR / channel). */
  date?: string;
  examType?: string;
  lab?: boolean;
}

export interface LinkOptions {
  nosearch?: boolean;
  /** yyyy-MM-dd filters (clinicview start_time/end_time …). */
  startDate?: string;
  endDate?: string;
  imageOnly?: boolean;
  /** Neijiang Isai: AI findings may be shown. */
  showAi?: boolean;
  /** Neijiang Isskip first digit 1: do not skip the fee check. */
  feeCheck?: boolean;
  /** Neijiang Isskip second digit 1: ask for the last 4 phone digits before showing anything. */
  privacyCheck?: boolean;
  reportSource?: string;
  /** Repeat reminder: 0 exam, 1 lab. */
  clinicType?: 0 | 1;
  bodyPart?: string;
  items?: string[];
  examType?: string;
  /** Xiamen ClinicExam ShowType / ShowClose. */
  showType?: number;
  showClose?: boolean;
  /** Recognition page (R3) fields. */
  recognition?: {
    visitId: string;
    reqType: string;
    observationItems: string[];
    patientSex?: string;
    patientAge?: string;
    ageUnit?: string;
    cardType?: string;
  };
}

export interface LinkContext {
  dialect: Dialect;
  page: LinkPage;
  clientId: number;
  caller: Caller;
  patient: PatientSelector;
  exams: ExamSelector;
  options: LinkOptions;
  /** SHA-256 of the signature (or ciphertext) that authenticated the link. */
  signatureHash: string;
  /** Every parameter that selects data is covered by the signature (our strict variant, or the page's own). */
  fullyCovered: boolean;
  /** The signature may be used once only. */
  oneTime: boolean;
  issuedAt: Date | null;
}

export type RejectionReason =
  | 'MISSING_PARAMETER'
  | 'MALFORMED_PARAMETER'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'ORG_UNAUTHORIZED'
  | 'ACCOUNT_UNAUTHORIZED'
  | 'ACCESS_TOKEN_INVALID'
  | 'REPLAYED'
  | 'STRICT_REQUIRED'
  | 'PLAIN_QR_REFUSED'
  | 'INCOMPLETE_TOKEN'
  | 'NOT_FOUND';

const STATUS: Record<RejectionReason, number> = {
  MISSING_PARAMETER: 400,
  MALFORMED_PARAMETER: 400,
  BAD_SIGNATURE: 403,
  EXPIRED: 403,
  ORG_UNAUTHORIZED: 403,
  ACCOUNT_UNAUTHORIZED: 403,
  ACCESS_TOKEN_INVALID: 401,
  REPLAYED: 403,
  STRICT_REQUIRED: 403,
  PLAIN_QR_REFUSED: 403,
  INCOMPLETE_TOKEN: 400,
  NOT_FOUND: 404,
};

/**
 * A link that does not verify. `detail` goes to the server log and must hold no personal data;
 * `fields` names parameters (never values) for the page to list.
 */
export class LinkRejection extends Error {
  readonly status: number;
  constructor(
    readonly reason: RejectionReason,
    readonly detail: string,
    readonly fields: string[] = [],
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'LinkRejection';
    this.status = STATUS[reason];
  }
}
