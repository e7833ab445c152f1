/**
 * 四川省医学影像检查结果互认项目清单（第一批）— the 53 Sichuan mutual-recognition exam items,
 * transcribed from the 内江 interface standard V0.94 (spec seed001 §5.5).
 *
 * Codes: the official item codes are "根据正式通知" and not published, so we use SCHR001…SCHR053,
 * except item 26 (胸部 CT 平扫), which uses `BW23ZYZZZ-00`, the code the spec's own 501 example
 * returns for 胸部平扫.
 *
 * Text fidelity: `name` is the official short name verbatim (including the source's 髌关节 for
 * items 30 and 45). `bodyPart` and `description` are display text, so there the obvious typos are
 * corrected: 髌关节 (patella "joint", which does not exist) → 髋关节 (hip), and item 22's
 * 低尾椎 → 骶尾椎.
 */

export type StandardModality = 'DR' | 'CT' | 'MR';

export interface StandardItemDef {
  seq: number;
  code: string;
  modality: StandardModality;
  bodyPart: string;
  name: string;
  description: string;
  validityDays: number;
}

// Recognition window: typical published Sichuan/川渝 practice is X-ray (DR) 30 days, CT and MR 90 days.
const VALIDITY_DAYS: Record<StandardModality, number> = { DR: 30, CT: 90, MR: 90 };

/** Code the spec's 501 example uses for 胸部平扫 (item 26). */
export const CHEST_CT_PLAIN_CODE = 'BW23ZYZZZ-00';

// [seq, modality, bodyPart, name, description | null (= "同", same as name)]
type Row = readonly [number, StandardModality, string, string, string | null];

const ROWS: readonly Row[] = [
  [1, 'DR', '胸部', '胸部站立后前位摄影', 'X线胸部站立后前位摄影'],
  [2, 'DR', '胸部', '胸部站立后前位及侧位摄影', 'X线胸部站立后前位及侧位摄影'],
  [3, 'DR', '胸部', '胸部（婴幼儿）正位摄影', null],
  [4, 'DR', '肩部', '左侧肩关节正位摄影', '左侧肩关节前后位正位摄影'],
  [5, 'DR', '肩部', '右侧肩关节正位摄影', '右侧肩关节前后位正位摄影'],
  [6, 'DR', '上肢', '左侧肘关节正侧位摄影', null],
  [7, 'DR', '上肢', '右侧肘关节正侧位摄影', null],
  [8, 'DR', '上肢', '左侧腕关节正侧位摄影', null],
  [9, 'DR', '上肢', '右侧腕关节正侧位摄影', null],
  [10, 'DR', '上肢', '左手正斜位摄影', null],
  [11, 'DR', '上肢', '右手正斜位摄影', null],
  [12, 'DR', '髋关节', '髋关节正位摄影', null],
  [13, 'DR', '下肢', '左侧膝关节正侧位摄影', null],
  [14, 'DR', '下肢', '右侧膝关节正侧位摄影', null],
  [15, 'DR', '下肢', '左侧踝关节正侧位摄影', null],
  [16, 'DR', '下肢', '右侧踝关节正侧位摄影', null],
  [17, 'DR', '下肢', '左足正斜位摄影', null],
  [18, 'DR', '下肢', '右足正斜位摄影', null],
  [19, 'DR', '脊柱', '颈椎正侧位摄影', null],
  [20, 'DR', '脊柱', '胸椎正侧位摄影', null],
  [21, 'DR', '脊柱', '腰椎正侧位摄影', null],
  // Source 释义 reads 低尾椎正侧位摄影 (sic).
  [22, 'DR', '脊柱', '骶尾椎正侧位摄影', '骶尾椎正侧位摄影'],
  [23, 'DR', '骨盆', '骨盆正位摄影', null],
  [24, 'CT', '头部', '头部计算机体层（CT）平扫', '头部普通扫描'],
  [25, 'CT', '鼻部', '鼻部计算机体层（CT）平扫', '鼻部普通扫描'],
  [26, 'CT', '胸部', '胸部计算机体层（CT）平扫', '胸部普通扫描'],
  [27, 'CT', '脊柱', '颈椎计算机体层（CT）平扫', '颈椎普通扫描'],
  [28, 'CT', '脊柱', '胸椎计算机体层（CT）平扫', '胸椎普通扫描'],
  [29, 'CT', '脊柱', '腰椎计算机体层（CT）平扫', '腰椎普通扫描'],
  // Source bodyPart/释义 say 髌关节 (sic); name kept verbatim.
  [30, 'CT', '髋关节', '髌关节计算机体层（CT）平扫', '髋关节普通扫描'],
  [31, 'CT', '下肢', '左侧足部计算机体层（CT）平扫', '左侧足部普通扫描'],
  [32, 'CT', '下肢', '右侧足部计算机体层（CT）平扫', '右侧足部普通扫描'],
  [33, 'CT', '下肢', '左侧踝关节计算机体层（CT）平扫', '左侧踝关节普通扫描'],
  [34, 'CT', '下肢', '右侧踝关节计算机体层（CT）平扫', '右侧踝关节普通扫描'],
  [35, 'CT', '头部', '头部计算机体层（CT）增强扫描', '头部普通扫描加增强扫描'],
  [36, 'CT', '鼻部', '鼻部计算机体层（CT）增强扫描', '鼻部普通扫描加增强扫描'],
  [37, 'CT', '腹部', '上腹部计算机体层（CT）增强扫描', '上腹部普通扫描加增强扫描'],
  [38, 'CT', '腹部', '盆腔计算机体层（CT）增强扫描', '盆腔普通扫描加增强扫描'],
  [39, 'CT', '胸部', '胸部计算机体层（CT）增强扫描', '胸部普通扫描加增强扫描'],
  [40, 'MR', '头部', '颅脑磁共振平扫成像', '颅脑磁共振普通扫描'],
  [41, 'MR', '鞍区', '鞍区磁共振平扫成像', '鞍区磁共振普通扫描'],
  [42, 'MR', '脊柱', '颈椎磁共振平扫成像', '颈椎磁共振普通扫描'],
  [43, 'MR', '脊柱', '胸椎磁共振平扫成像', '胸椎磁共振普通扫描'],
  [44, 'MR', '脊柱', '腰椎磁共振平扫成像', '腰椎磁共振普通扫描'],
  // Source bodyPart/释义 say 髌关节 (sic); name kept verbatim.
  [45, 'MR', '髋关节', '双髌关节磁共振平扫成像', '双髋关节磁共振普通扫描'],
  [46, 'MR', '下肢', '左侧膝关节磁共振平扫成像', '左侧膝关节磁共振普通扫描'],
  [47, 'MR', '下肢', '右侧膝关节磁共振平扫成像', '右侧膝关节磁共振普通扫描'],
  [48, 'MR', '下肢', '左侧踝关节磁共振平扫成像', '左侧踝关节磁共振普通扫描'],
  [49, 'MR', '下肢', '右侧踝关节磁共振平扫成像', '右侧踝关节磁共振普通扫描'],
  [50, 'MR', '头部', '头部磁共振增强成像', '头部磁共振普通扫描加增强扫描'],
  [51, 'MR', '脊柱', '颈椎磁共振增强成像', '颈椎磁共振普通扫描加增强扫描'],
  [52, 'MR', '脊柱', '胸椎磁共振增强成像', '胸椎磁共振普通扫描加增强扫描'],
  [53, 'MR', '脊柱', '腰椎磁共振增强成像', '腰椎磁共振普通扫描加增强扫描'],
];

export const SICHUAN_STANDARD_ITEMS: readonly StandardItemDef[] = ROWS.map(
  ([seq, modality, bodyPart, name, description]): StandardItemDef => ({
    seq,
    code: seq === 26 ? CHEST_CT_PLAIN_CODE : `SCHR${String(seq).padStart(3, '0')}`,
    modality,
    bodyPart,
    name,
    description: description ?? name,
    validityDays: VALIDITY_DAYS[modality],
  }),
);

/** Lookup by code (undefined for unknown codes). */
export function findStandardItem(code: string): StandardItemDef | undefined {
  return SICHUAN_STANDARD_ITEMS.find((s) => s.code === code);
}
