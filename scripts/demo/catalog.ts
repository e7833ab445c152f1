/**
 * Hospital exam-item catalog for demo hospitals (院内检查项目字典), with each item's mapping to the
 * Sichuan mutual-recognition standard items (uploaded via Jilin `projectContrast` / used by 互认).
 * Hospital names intentionally differ from the standard names, as in real HIS dictionaries.
 * Prices are typical public-hospital list prices in CNY (excluding contrast agent / anaesthesia).
 */
import { SICHUAN_STANDARD_ITEMS } from '../../lib/domain/standard-items';

export type CatalogModality = 'CT' | 'MR' | 'DR' | 'US' | 'MG' | 'ES';

export interface ExamItemTemplate {
  code: string;
  name: string;
  modality: CatalogModality;
  /** Chinese body part, e.g. 头部, 胸部, 腹部, 腰椎. */
  bodyPart: string;
  /** Jilin projectContrast `type`: 0 核医学 1 内镜 2 CT 3 X线 4 MR 5 超声 6 病理 7 心电 99 其他. */
  typeCode: number;
  price: number;
  /** Codes of SICHUAN_STANDARD_ITEMS this item maps to; [] when outside the list. */
  standardCodes: string[];
  /** Patient constraints a generator should respect (妇科/前列腺/钼靶 by sex, 小儿胸片 by age). */
  sex?: 'M' | 'F';
  maxAge?: number;
}

const TYPE_CODE: Record<CatalogModality, number> = { ES: 1, CT: 2, DR: 3, MG: 3, MR: 4, US: 5 };

/** Standard code by list sequence number (keeps item 26's special code in one place). */
function sc(...seqs: number[]): string[] {
  return seqs.map((seq) => {
    const item = SICHUAN_STANDARD_ITEMS.find((s) => s.seq === seq);
    if (!item) throw new Error(`no standard item #${seq}`);
    return item.code;
  });
}

// [code, name, modality, bodyPart, price, standard seqs]
type Row = readonly [string, string, CatalogModality, string, number, readonly number[], Pick<ExamItemTemplate, 'sex' | 'maxAge'>?];

const ROWS: readonly Row[] = [
  // ── DR (X线) ──
  ['DR0101', 'DR胸部正位', 'DR', '胸部', 60, [1]],
  ['DR0102', 'DR胸部正侧位', 'DR', '胸部', 95, [2]],
  ['DR0103', 'DR小儿胸部正位', 'DR', '胸部', 60, [3], { maxAge: 6 }],
  ['DR0201', 'DR左肩关节正位', 'DR', '肩关节', 55, [4]],
  ['DR0202', 'DR右肩关节正位', 'DR', '肩关节', 55, [5]],
  ['DR0203', 'DR左肘关节正侧位', 'DR', '肘关节', 90, [6]],
  ['DR0204', 'DR右肘关节正侧位', 'DR', '肘关节', 90, [7]],
  ['DR0205', 'DR左腕关节正侧位', 'DR', '腕关节', 90, [8]],
  ['DR0206', 'DR右腕关节正侧位', 'DR', '腕关节', 90, [9]],
  ['DR0207', 'DR左手正斜位', 'DR', '手', 90, [10]],
  ['DR0208', 'DR右手正斜位', 'DR', '手', 90, [11]],
  ['DR0301', 'DR双髋关节正位', 'DR', '髋关节', 60, [12]],
  ['DR0302', 'DR左膝关节正侧位', 'DR', '膝关节', 90, [13]],
  ['DR0303', 'DR右膝关节正侧位', 'DR', '膝关节', 90, [14]],
  ['DR0304', 'DR左踝关节正侧位', 'DR', '踝关节', 90, [15]],
  ['DR0305', 'DR右踝关节正侧位', 'DR', '踝关节', 90, [16]],
  ['DR0306', 'DR左足正斜位', 'DR', '足', 90, [17]],
  ['DR0307', 'DR右足正斜位', 'DR', '足', 90, [18]],
  ['DR0401', 'DR颈椎正侧位', 'DR', '颈椎', 90, [19]],
  ['DR0402', 'DR胸椎正侧位', 'DR', '胸椎', 90, [20]],
  ['DR0403', 'DR腰椎正侧位', 'DR', '腰椎', 90, [21]],
  ['DR0404', 'DR骶尾椎正侧位', 'DR', '骶尾椎', 90, [22]],
  ['DR0405', 'DR颈椎双斜位', 'DR', '颈椎', 90, []],
  ['DR0501', 'DR骨盆正位', 'DR', '骨盆', 60, [23]],
  ['DR0601', 'DR腹部立位平片', 'DR', '腹部', 60, []],
  // ── CT ──
  ['CT0101', '头颅CT平扫', 'CT', '头部', 140, [24]],
  ['CT0102', '头颅CT平扫+增强', 'CT', '头部', 480, [35]],
  ['CT0103', '鼻窦CT平扫', 'CT', '鼻部', 150, [25]],
  ['CT0104', '鼻窦CT平扫+增强', 'CT', '鼻部', 490, [36]],
  ['CT0201', '胸部CT平扫', 'CT', '胸部', 180, [26]],
  ['CT0202', '低剂量肺部CT', 'CT', '胸部', 160, [26]],
  ['CT0203', '胸部CT平扫+增强', 'CT', '胸部', 560, [39]],
  ['CT0301', '颈椎CT平扫', 'CT', '颈椎', 180, [27]],
  ['CT0302', '胸椎CT平扫', 'CT', '胸椎', 180, [28]],
  ['CT0303', '腰椎CT平扫', 'CT', '腰椎', 180, [29]],
  ['CT0304', '腰椎间盘CT平扫', 'CT', '腰椎', 160, [29]],
  ['CT0401', '双髋关节CT平扫', 'CT', '髋关节', 190, [30]],
  ['CT0402', '左足CT平扫', 'CT', '足', 170, [31]],
  ['CT0403', '右足CT平扫', 'CT', '足', 170, [32]],
  ['CT0404', '左踝关节CT平扫', 'CT', '踝关节', 170, [33]],
  ['CT0405', '右踝关节CT平扫', 'CT', '踝关节', 170, [34]],
  ['CT0501', '上腹部CT平扫+增强', 'CT', '腹部', 620, [37]],
  ['CT0502', '上腹部CT平扫', 'CT', '腹部', 200, []],
  ['CT0503', '盆腔CT平扫+增强', 'CT', '盆腔', 600, [38]],
  ['CT0601', 'CT冠状动脉成像', 'CT', '心脏', 980, []],
  ['CT0602', '头颈部CTA', 'CT', '头颈部血管', 1100, []],
  // ── MR ──
  ['MR0101', '头颅MR平扫', 'MR', '头部', 480, [40]],
  ['MR0102', '头颅MR平扫+DWI', 'MR', '头部', 560, [40]],
  ['MR0103', '头颅MR平扫+增强', 'MR', '头部', 900, [50]],
  ['MR0104', '垂体MR平扫', 'MR', '鞍区', 500, [41]],
  ['MR0201', '颈椎MR平扫', 'MR', '颈椎', 480, [42]],
  ['MR0202', '胸椎MR平扫', 'MR', '胸椎', 480, [43]],
  ['MR0203', '腰椎MR平扫', 'MR', '腰椎', 480, [44]],
  ['MR0204', '颈椎MR平扫+增强', 'MR', '颈椎', 880, [51]],
  ['MR0205', '胸椎MR平扫+增强', 'MR', '胸椎', 880, [52]],
  ['MR0206', '腰椎MR平扫+增强', 'MR', '腰椎', 880, [53]],
  ['MR0301', '双髋关节MR平扫', 'MR', '髋关节', 520, [45]],
  ['MR0302', '左膝关节MR平扫', 'MR', '膝关节', 500, [46]],
  ['MR0303', '右膝关节MR平扫', 'MR', '膝关节', 500, [47]],
  ['MR0304', '左踝关节MR平扫', 'MR', '踝关节', 500, [48]],
  ['MR0305', '右踝关节MR平扫', 'MR', '踝关节', 500, [49]],
  ['MR0401', 'MR前列腺增强', 'MR', '前列腺', 950, [], { sex: 'M' }],
  ['MR0402', '上腹部MR平扫+MRCP', 'MR', '腹部', 780, []],
  ['MR0403', '头颅MRA', 'MR', '头部', 450, []],
  // ── US (超声): outside the list ──
  ['US0101', '腹部彩超（肝胆胰脾）', 'US', '腹部', 120, []],
  ['US0102', '泌尿系彩超', 'US', '泌尿系', 110, []],
  ['US0201', '甲状腺彩超', 'US', '甲状腺', 100, []],
  ['US0202', '乳腺彩超', 'US', '乳腺', 110, []],
  ['US0203', '颈动脉彩超', 'US', '颈部血管', 140, []],
  ['US0301', '心脏彩超', 'US', '心脏', 240, []],
  ['US0401', '妇科彩超', 'US', '子宫附件', 120, [], { sex: 'F' }],
  // ── MG (钼靶, X线) ──
  ['MG0101', '双侧乳腺钼靶摄影', 'MG', '乳腺', 180, [], { sex: 'F' }],
  // ── ES (内镜) ──
  ['ES0101', '电子胃镜', 'ES', '胃', 260, []],
  ['ES0102', '电子结肠镜', 'ES', '结肠', 380, []],
];

export const EXAM_ITEM_TEMPLATES: readonly ExamItemTemplate[] = ROWS.map(
  ([code, name, modality, bodyPart, price, seqs, limits]): ExamItemTemplate => ({
    code,
    name,
    modality,
    bodyPart,
    typeCode: TYPE_CODE[modality],
    price,
    standardCodes: sc(...seqs),
    ...limits,
  }),
);

export function findExamItem(code: string): ExamItemTemplate | undefined {
  return EXAM_ITEM_TEMPLATES.find((i) => i.code === code);
}

/** Whether an item makes sense for this patient (sex-specific items, paediatric chest film). */
export function itemSuitsPatient(item: ExamItemTemplate, sex: 'M' | 'F', age: number): boolean {
  return (item.sex === undefined || item.sex === sex) && (item.maxAge === undefined || age <= item.maxAge);
}
