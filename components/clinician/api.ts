// The data routes the clinician pages read, with the viewing session reference.
export interface ExamDetailData {
  id: number;
  hospital: { code: string; name: string };
  accessionNumber: string;
  modality: string;
  bodyPart: string | null;
  itemName: string;
  applyDept: string | null;
  applyDoctor: string | null;
  performedAt: string;
  reportedAt: string;
  auditedAt: string;
  findings: string;
  impression: string;
  positive: boolean;
  critical: boolean;
  criticalNote: string | null;
  interim: boolean;
  reportDoctor: string | null;
  auditDoctor: string | null;
  pdf: string | null;
  studies: { studyInstanceUid: string; label: string; hospital: string }[];
}

export interface LabDetailData {
  id: number;
  hospital: { code: string; name: string };
  accessionNumber: string;
  itemName: string;
  sampleType: string | null;
  sampledAt: string;
  reportedAt: string;
  reportDoctor: string | null;
  auditDoctor: string | null;
  items: { code: string; name: string; result: string; unit: string | null; refRange: string | null; flag: string }[];
}

export async function getJson<T>(url: string, sessionRef: string): Promise<T> {
  const res = await fetch(url, { headers: { 'x-view-session': sessionRef } });
  if (!res.ok) throw new Error(res.status === 403 ? '无权查看该资料' : res.status === 401 ? '会话已过期，请从 HIS 重新打开' : `加载失败（${res.status}）`);
  return res.json() as Promise<T>;
}
