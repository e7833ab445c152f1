// Prints a signed link, built with the keys stored in the database (npm run keys).
//   npm run link -- idcas clinicview --org 2470 --work-no 001 [--med-rec-no …|--accession …|--id-card …] [--nosearch] [--strict]
//   npm run link -- idcas exam-report --org 2470 --work-no 001 --med-rec-no … --perform-org 2470 --accession SD-53242 [--strict]
//   npm run link -- idcas repeat-reminder --org 2470 --work-no 002 --id-card … (--body-part 头部 | --items 微量元素六项) [--strict]
//   npm run link -- idcas recognition --org 2470 --work-no 001 --id-card … --name 姓名 --visit-id V1 --req-type 3103 --items CT0101
//   npm run link -- idcas-h5 report-list --org 2470 --id-card … [--from 2020-01-01 --to 2026-12-31]
//   npm run link -- neijiang dimage --hospital 57120003 --accession 000001013 --date 20210629 [--privacy] [--image-only]
//   npm run link -- neijiang qr --hospital 2470 --accession SD-53242[,…] --date 20210512
//   npm run link -- neijiang open --hospital 2470 --id-card …
//   npm run link -- xiamen ClinicExamView --org 2470 --user-id 001 --med-rec-no …
// --base sets the origin (default YINGYUN_PUBLIC_URL or http://localhost:3000).
import { config } from '../lib/config';
import { openDatabase } from '../lib/db';
import { patientToken } from '../lib/links/build';
import { H5_PAGES } from '../lib/links/idcas-h5';
import { issueDimageChannelLink, issueDimageQrLink, issueH5Link, issueIdcasLink, issueOpenLink, issueXiamenLink } from '../lib/links/issue';
import { XIAMEN_PAGES } from '../lib/links/xiamen';

const FLAGS = new Set(['nosearch', 'strict', 'privacy', 'image-only', 'ai']);

function parse(args: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const name = args[i].replace(/^--/, '');
    if (FLAGS.has(name)) m.set(name, 'true');
    else {
      if (args[i + 1] === undefined) throw new Error(`${args[i]} needs a value`);
      m.set(name, args[++i]);
    }
  }
  return m;
}

export async function buildFromArgs(argv: string[], prisma: Parameters<typeof issueIdcasLink>[0], base: string): Promise<string> {
  const [dialect, page, ...rest] = argv;
  const o = parse(rest);
  const need = (k: string) => {
    const v = o.get(k);
    if (!v) throw new Error(`--${k} is required`);
    return v;
  };
  if (dialect === 'idcas') {
    const who = { orgCode: need('org'), workNo: need('work-no'), strict: o.has('strict') };
    const token = patientToken({ work_no: who.workNo, org_code: who.orgCode, med_rec_no: o.get('med-rec-no'), visit_id: o.get('visit-no'), accession_number: o.get('token-accession') ?? (page === 'clinicview' ? o.get('accession') : undefined), id_card_no: o.get('id-card'), patient_name: o.get('name'), placer_order_no: o.get('placer-order-no') });
    if (page === 'clinicview') {
      const params: [string, string][] = [['source', 'HIS']];
      if (o.has('nosearch')) params.push(['nosearch', 'true']);
      if (o.get('start')) params.push(['start_time', o.get('start')!]);
      if (o.get('end')) params.push(['end_time', o.get('end')!]);
      return issueIdcasLink(prisma, base, 'clinicview', { ...who, token, params });
    }
    if (page === 'exam-report') {
      const params: [string, string][] = [['obs_id', o.get('obs-id') ?? ''], ['perform_org_code', o.get('perform-org') ?? ''], ['accession_number', o.get('accession') ?? ''], ['placer_order_no', ''], ['exam_type', o.get('exam-type') ?? ''], ['from', 'third'], ['clinic_type', '0']];
      return issueIdcasLink(prisma, base, 'exam-report', { ...who, token, params });
    }
    if (page === 'repeat-reminder') {
      const lab = o.has('items');
      const params: [string, string][] = [['source', 'HIS'], ['clinic_type', lab ? '1' : '0'], ['user_org_code', who.orgCode], ['user_id', who.workNo], ['id_card_no', need('id-card')]];
      if (o.get('name')) params.push(['patient_name', o.get('name')!]);
      params.push(lab ? ['exam_item', need('items')] : ['exam_body_part', need('body-part')]);
      return issueIdcasLink(prisma, base, 'repeat-reminder', { ...who, params });
    }
    if (page === 'recognition') {
      const recognition = {
        visit_id: need('visit-id'), org_code: who.orgCode, depart_code: o.get('dept-code') ?? '0000', depart_name: o.get('dept-name') ?? '门诊', doctor_no: who.workNo,
        doctor_name: o.get('doctor-name') ?? who.workNo, doctor_id_card: '', card_type: o.get('card-type') ?? '9', card_no: o.get('card-no') ?? '', id_card_no: need('id-card'),
        patient_name: need('name'), patient_sex: o.get('sex') ?? '0', patient_age: o.get('age') ?? '', age_unit: '岁', ip_address: o.get('ip') ?? '', ip_mac: o.get('mac') ?? '',
        req_type: o.get('req-type') ?? '3101', observation_item: o.get('items') ?? '',
      };
      return issueIdcasLink(prisma, base, 'recognition', { ...who, token: recognition, params: [['source', 'HIS']] });
    }
  }
  if (dialect === 'idcas-h5' && page && H5_PAGES[page]) {
    const params: [string, string][] =
      page === 'report-list'
        ? [['nosearch', 'true'], ['identity_type', '1'], ['identity_no', need('id-card')], ['perform_org_code', need('org')], ['perform_time_start', o.get('from') ?? '2000-01-01'], ['perform_time_end', o.get('to') ?? new Date().toISOString().slice(0, 10)]]
        : [['obs_id', o.get('obs-id') ?? ''], ['perform_org_code', need('org')], ['accession_number', o.get('accession') ?? ''], ['patient_id', o.get('patient-id') ?? ''], ['placer_order_no', ''], ['exam_type', o.get('exam-type') ?? '']];
    return issueH5Link(prisma, base, H5_PAGES[page], { orgCode: need('org'), subject: o.get('subject') ?? 'cli', params });
  }
  if (dialect === 'neijiang' && page === 'dimage') {
    return issueDimageChannelLink(prisma, base, { hospital: need('hospital'), accessionNumber: need('accession'), studyDate: need('date'), privacyCheck: o.has('privacy'), imageOnly: o.has('image-only'), showAi: o.has('ai') });
  }
  if (dialect === 'neijiang' && page === 'qr') {
    return issueDimageQrLink(prisma, base, { hospital: need('hospital'), accessionNumbers: need('accession').split(','), date: need('date') });
  }
  if (dialect === 'neijiang' && page === 'open') {
    const [queryKey, queryValue] = o.get('id-card') ? (['patIcCard', o.get('id-card')!] as const) : o.get('patient-id') ? (['patNo', o.get('patient-id')!] as const) : (['clinicId', need('visit-no')] as const);
    return issueOpenLink(prisma, base, { hospital: need('hospital'), queryKey, queryValue });
  }
  if (dialect === 'xiamen' && page && XIAMEN_PAGES[page]) {
    const params: [string, string][] = [['UserID', o.get('user-id') ?? 'his'], ['UserName', o.get('user-name') ?? ''], ['UserOrganizationID', need('org')], ['UserOrganizationName', o.get('org-name') ?? '']];
    for (const [flag, name] of [['med-rec-no', 'MedRecNO'], ['id-card', 'IDCardNO'], ['accession', 'AccessionNumber'], ['patient-id', 'PatientID'], ['placer-order-no', 'PlacerOrderNO']] as const) {
      if (o.get(flag)) params.push([name, o.get(flag)!]);
    }
    return issueXiamenLink(prisma, base, XIAMEN_PAGES[page], { params });
  }
  throw new Error('unknown link; see the usage at the top of scripts/link.ts');
}

async function main() {
  const args = process.argv.slice(2);
  const bi = args.indexOf('--base');
  const base = (bi >= 0 ? args.splice(bi, 2)[1] : config.publicBaseUrl).replace(/\/+$/, '');
  const { prisma, sql } = await openDatabase();
  try {
    console.log(await buildFromArgs(args, prisma, base));
  } finally {
    await prisma.$disconnect();
    await sql.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`[link] ${(e as Error).message}`);
    process.exit(1);
  });
}
