/**
 * Lab tests (检验) for demo data: common Chinese adult panels with reference ranges close to
 * WS/T 404/405 and typical hospital lab sheets, plus a generator whose H/L/A flags are always
 * computed from the printed reference range (never chosen independently of it).
 */
import type { Rng } from './rng';

export interface LabItemDef {
  code: string;
  name: string;
  unit: string;
  low?: number;
  high?: number;
  /** Expected text for qualitative items (e.g. "阴性"); such items have no low/high. */
  refText?: string;
  decimals: number;
  mean: number;
  sd: number;
  /** Female-specific range/mean where WS/T gives one (used when opts.sex === 'F'). */
  female?: { low?: number; high?: number; mean: number };
  /** Abnormal results for qualitative items (default: the urine dip-stick scale). */
  abnormalValues?: readonly string[];
}

export interface LabPanel {
  code: string;
  name: string;
  sampleType: string;
  items: LabItemDef[];
}

export interface LabResult {
  code: string;
  name: string;
  result: string;
  unit: string;
  refRange: string;
  flag: 'N' | 'H' | 'L' | 'A';
}

const DIPSTICK = ['弱阳性(±)', '阳性(+)', '阳性(++)', '阳性(+++)'] as const;

// Shorthand builders keep the tables readable.
const q = (code: string, name: string, unit: string, low: number | undefined, high: number | undefined,
  decimals: number, mean: number, sd: number, female?: LabItemDef['female']): LabItemDef =>
  ({ code, name, unit, decimals, mean, sd, ...(low !== undefined ? { low } : {}), ...(high !== undefined ? { high } : {}), ...(female ? { female } : {}) });
const t = (code: string, name: string, refText: string, abnormalValues: readonly string[] = DIPSTICK): LabItemDef =>
  ({ code, name, unit: '', refText, decimals: 0, mean: 0, sd: 0, abnormalValues });

export const LAB_PANELS: readonly LabPanel[] = [
  {
    code: 'CBC', name: '血常规', sampleType: '静脉血', items: [
      q('WBC', '白细胞计数', '10^9/L', 3.5, 9.5, 2, 6.2, 1.4),
      q('NEUT%', '中性粒细胞百分比', '%', 40, 75, 1, 58, 7),
      q('LYMPH%', '淋巴细胞百分比', '%', 20, 50, 1, 32, 6),
      q('MONO%', '单核细胞百分比', '%', 3, 10, 1, 6.2, 1.4),
      q('EO%', '嗜酸性粒细胞百分比', '%', 0.4, 8, 1, 2.2, 1.1),
      q('BASO%', '嗜碱性粒细胞百分比', '%', 0, 1, 1, 0.4, 0.2),
      q('NEUT#', '中性粒细胞绝对值', '10^9/L', 1.8, 6.3, 2, 3.7, 0.9),
      q('LYMPH#', '淋巴细胞绝对值', '10^9/L', 1.1, 3.2, 2, 2.0, 0.45),
      q('RBC', '红细胞计数', '10^12/L', 4.3, 5.8, 2, 5.0, 0.3, { low: 3.8, high: 5.1, mean: 4.4 }),
      q('HGB', '血红蛋白', 'g/L', 130, 175, 0, 150, 10, { low: 115, high: 150, mean: 131 }),
      q('HCT', '红细胞压积', '%', 40, 50, 1, 45, 2.5, { low: 35, high: 45, mean: 40 }),
      q('MCV', '平均红细胞体积', 'fL', 82, 100, 1, 91, 4),
      q('MCH', '平均红细胞血红蛋白含量', 'pg', 27, 34, 1, 30.5, 1.5),
      q('MCHC', '平均红细胞血红蛋白浓度', 'g/L', 316, 354, 0, 334, 8),
      q('RDW-CV', '红细胞分布宽度变异系数', '%', 11.5, 14.5, 1, 13, 0.6),
      q('PLT', '血小板计数', '10^9/L', 125, 350, 0, 230, 50),
      q('MPV', '平均血小板体积', 'fL', 7.4, 12.5, 1, 10, 1),
    ],
  },
  {
    code: 'LFT', name: '肝功能', sampleType: '静脉血', items: [
      q('ALT', '丙氨酸氨基转移酶', 'U/L', 9, 50, 0, 24, 9, { low: 7, high: 40, mean: 18 }),
      q('AST', '天门冬氨酸氨基转移酶', 'U/L', 15, 40, 0, 24, 6, { low: 13, high: 35, mean: 21 }),
      q('GGT', 'γ-谷氨酰转移酶', 'U/L', 10, 60, 0, 28, 11, { low: 7, high: 45, mean: 20 }),
      q('ALP', '碱性磷酸酶', 'U/L', 45, 125, 0, 78, 18, { low: 35, high: 100, mean: 65 }),
      q('TP', '总蛋白', 'g/L', 65, 85, 1, 73, 4),
      q('ALB', '白蛋白', 'g/L', 40, 55, 1, 45.5, 3),
      q('TBIL', '总胆红素', 'μmol/L', 3.4, 20.5, 1, 11.5, 3.8),
      q('DBIL', '直接胆红素', 'μmol/L', 0, 6.8, 1, 3.2, 1.3),
      q('TBA', '总胆汁酸', 'μmol/L', 0, 10, 1, 4, 2),
    ],
  },
  {
    code: 'RFT', name: '肾功能', sampleType: '静脉血', items: [
      q('UREA', '尿素', 'mmol/L', 3.1, 8.0, 2, 5.3, 1.1, { low: 2.6, high: 7.5, mean: 4.7 }),
      q('CREA', '肌酐', 'μmol/L', 57, 97, 0, 76, 9, { low: 41, high: 73, mean: 57 }),
      q('UA', '尿酸', 'μmol/L', 208, 428, 0, 330, 50, { low: 155, high: 357, mean: 260 }),
      q('CYSC', '胱抑素C', 'mg/L', 0.59, 1.03, 2, 0.82, 0.1),
    ],
  },
  {
    code: 'LIPID4', name: '血脂四项', sampleType: '静脉血', items: [
      q('TC', '总胆固醇', 'mmol/L', undefined, 5.2, 2, 4.5, 0.6),
      q('TG', '甘油三酯', 'mmol/L', undefined, 1.7, 2, 1.2, 0.35),
      q('HDL-C', '高密度脂蛋白胆固醇', 'mmol/L', 1.04, undefined, 2, 1.35, 0.2),
      q('LDL-C', '低密度脂蛋白胆固醇', 'mmol/L', undefined, 3.4, 2, 2.6, 0.5),
    ],
  },
  {
    code: 'ELEC', name: '电解质', sampleType: '静脉血', items: [
      q('K', '钾', 'mmol/L', 3.5, 5.3, 2, 4.2, 0.3),
      q('NA', '钠', 'mmol/L', 137, 147, 1, 141, 2),
      q('CL', '氯', 'mmol/L', 99, 110, 1, 104, 2),
      q('CA', '钙', 'mmol/L', 2.11, 2.52, 2, 2.3, 0.08),
      q('P', '无机磷', 'mmol/L', 0.85, 1.51, 2, 1.15, 0.13),
      q('MG', '镁', 'mmol/L', 0.75, 1.02, 2, 0.88, 0.05),
      q('CO2', '二氧化碳结合力', 'mmol/L', 22, 29, 1, 25.5, 1.4),
    ],
  },
  {
    code: 'GLU', name: '空腹血糖', sampleType: '静脉血', items: [
      q('GLU', '空腹葡萄糖', 'mmol/L', 3.9, 6.1, 2, 5.0, 0.45),
    ],
  },
  {
    code: 'HBA1C', name: '糖化血红蛋白', sampleType: '静脉血', items: [
      q('HBA1C', '糖化血红蛋白', '%', 4.0, 6.0, 1, 5.3, 0.35),
    ],
  },
  {
    code: 'COAG4', name: '凝血四项', sampleType: '静脉血', items: [
      q('PT', '凝血酶原时间', 's', 9.8, 12.1, 1, 11, 0.5),
      q('INR', '国际标准化比值', '', 0.85, 1.15, 2, 1.0, 0.06),
      q('APTT', '活化部分凝血活酶时间', 's', 25.1, 36.5, 1, 30.5, 2.4),
      q('TT', '凝血酶时间', 's', 10.3, 16.6, 1, 13.5, 1.2),
      q('FIB', '纤维蛋白原', 'g/L', 2.0, 4.0, 2, 2.9, 0.4),
    ],
  },
  {
    code: 'CRP', name: 'C反应蛋白', sampleType: '静脉血', items: [
      q('CRP', 'C反应蛋白', 'mg/L', undefined, 10, 1, 2.5, 2),
    ],
  },
  {
    code: 'TFT', name: '甲状腺功能', sampleType: '静脉血', items: [
      q('TSH', '促甲状腺激素', 'mIU/L', 0.27, 4.2, 3, 1.9, 0.8),
      q('FT3', '游离三碘甲状腺原氨酸', 'pmol/L', 3.1, 6.8, 2, 4.8, 0.6),
      q('FT4', '游离甲状腺素', 'pmol/L', 12, 22, 2, 16.5, 1.8),
      q('T3', '总三碘甲状腺原氨酸', 'nmol/L', 1.3, 3.1, 2, 2.0, 0.3),
      q('T4', '总甲状腺素', 'nmol/L', 66, 181, 1, 115, 18),
      q('TPOAB', '抗甲状腺过氧化物酶抗体', 'IU/mL', undefined, 34, 1, 12, 7),
      q('TGAB', '抗甲状腺球蛋白抗体', 'IU/mL', undefined, 115, 1, 25, 18),
    ],
  },
  {
    code: 'URT', name: '尿常规', sampleType: '尿液', items: [
      t('COL', '颜色', '淡黄色', ['深黄色', '浓茶色', '洗肉水样']),
      t('CLA', '透明度', '清晰', ['微浑', '浑浊']),
      q('SG', '尿比重', '', 1.003, 1.03, 3, 1.018, 0.006),
      q('PH', '酸碱度', '', 4.5, 8.0, 1, 6.0, 0.6),
      t('PRO', '尿蛋白', '阴性'),
      t('GLU', '尿糖', '阴性'),
      t('KET', '酮体', '阴性'),
      t('BLD', '隐血', '阴性'),
      t('BIL', '胆红素', '阴性', ['阳性(+)', '阳性(++)']),
      t('URO', '尿胆原', '阴性', ['弱阳性(±)', '阳性(+)']),
      t('NIT', '亚硝酸盐', '阴性', ['阳性']),
      t('LEU', '白细胞酯酶', '阴性'),
      q('UWBC', '白细胞（镜检）', '个/μL', 0, 25, 1, 8, 5),
      q('URBC', '红细胞（镜检）', '个/μL', 0, 17, 1, 5, 3.5),
    ],
  },
  {
    // Whole-blood trace elements (atomic absorption), as printed on Chinese lab sheets: Cu/Zn in
    // μmol/L, Ca/Mg/Fe in mmol/L (whole-blood concentrations), Pb in μg/L.
    code: 'TRACE6', name: '微量元素六项', sampleType: '静脉血（全血）', items: [
      q('CU', '铜', 'μmol/L', 11.8, 39.3, 2, 22, 5),
      q('ZN', '锌', 'μmol/L', 76.5, 170, 2, 110, 18),
      q('CA', '钙', 'mmol/L', 1.55, 2.1, 2, 1.78, 0.1),
      q('MG', '镁', 'mmol/L', 1.12, 2.06, 2, 1.55, 0.17),
      q('FE', '铁', 'mmol/L', 7.52, 11.82, 2, 9.2, 0.8),
      q('PB', '铅', 'μg/L', undefined, 100, 1, 32, 16),
    ],
  },
  {
    code: 'TUMOR4', name: '肿瘤标志物四项', sampleType: '静脉血', items: [
      q('AFP', '甲胎蛋白', 'ng/mL', undefined, 7, 2, 2.8, 1.4),
      q('CEA', '癌胚抗原', 'ng/mL', undefined, 5, 2, 1.8, 1),
      q('CA125', '糖类抗原125', 'U/mL', undefined, 35, 2, 12, 7),
      q('CA199', '糖类抗原19-9', 'U/mL', undefined, 37, 2, 11, 7),
    ],
  },
];

export function findLabPanel(codeOrName: string): LabPanel | undefined {
  return LAB_PANELS.find((p) => p.code === codeOrName || p.name === codeOrName);
}

/** Printed reference range: "3.5-9.5", "≤5.20", "≥1.04", or the qualitative text. */
export function formatRefRange(low: number | undefined, high: number | undefined, decimals: number): string {
  const f = (v: number): string => v.toFixed(decimals);
  if (low !== undefined && high !== undefined) return `${f(low)}-${f(high)}`;
  if (high !== undefined) return `≤${f(high)}`;
  if (low !== undefined) return `≥${f(low)}`;
  return '';
}

/** Flag of an already-rounded value against its range: strictly outside → H/L (limits are normal). */
export function flagFor(value: number, low: number | undefined, high: number | undefined): 'N' | 'H' | 'L' {
  if (high !== undefined && value > high) return 'H';
  if (low !== undefined && value < low) return 'L';
  return 'N';
}

const round = (v: number, decimals: number): number => Number(v.toFixed(decimals));

export function generateLabResults(
  rng: Rng,
  panel: LabPanel,
  opts: { abnormalRate: number; sex?: 'M' | 'F' },
): LabResult[] {
  return panel.items.map((item): LabResult => {
    const abnormal = rng.chance(opts.abnormalRate);

    if (item.refText !== undefined) {
      const result = abnormal ? rng.pick(item.abnormalValues ?? DIPSTICK) : item.refText;
      return { code: item.code, name: item.name, result, unit: item.unit, refRange: item.refText,
        flag: result === item.refText ? 'N' : 'A' };
    }

    const fem = opts.sex === 'F' ? item.female : undefined;
    const low = fem ? fem.low : item.low;
    const high = fem ? fem.high : item.high;
    const mean = fem ? fem.mean : item.mean;
    const step = 10 ** -item.decimals;
    const floor = Math.max(0, low ?? 0); // no analyte here can be negative

    let v: number;
    // Only go low when the lower limit is clinically meaningful (> 0).
    const canLow = low !== undefined && low > 0;
    const canHigh = high !== undefined;
    if (abnormal && (canLow || canHigh)) {
      const goHigh = canHigh && (!canLow || rng.chance(0.65));
      if (goHigh && high !== undefined) {
        // 5–80 % above the limit, at least one display step above it.
        v = Math.max(round(high * (1 + 0.05 + Math.abs(rng.normal(0, 0.3))), item.decimals), round(high + step, item.decimals));
      } else {
        const lo = low ?? 0;
        v = Math.min(round(lo * (1 - rng.int(3, 35) / 100), item.decimals), round(lo - step, item.decimals));
        v = Math.max(v, 0);
      }
    } else {
      // Normal result: Gaussian around the mean, clamped inside the range.
      const top = high ?? mean + 3 * item.sd;
      v = round(Math.min(Math.max(rng.normal(mean, item.sd), floor), top), item.decimals);
    }

    return {
      code: item.code,
      name: item.name,
      result: v.toFixed(item.decimals),
      unit: item.unit,
      refRange: formatRefRange(low, high, item.decimals),
      flag: flagFor(v, low, high), // computed from the rounded value: never disagrees with refRange
    };
  });
}
