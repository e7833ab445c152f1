import { describe, expect, it } from 'vitest';
import { CHEST_CT_PLAIN_CODE, SICHUAN_STANDARD_ITEMS } from '../../lib/domain/standard-items';
import { EXAM_ITEM_TEMPLATES } from './catalog';
import { LAB_PANELS, generateLabResults } from './labs';
import { idCardCheckDigit, isValidIdCard, makeDoctorName, makePerson } from './people';
import { supportsCritical, writeExamReport } from './reports';
import { createRng } from './rng';

const CJK = /[\u4e00-\u9fff]/;

describe('rng', () => {
  it('is deterministic per seed and respects bounds', () => {
    const a = createRng(123);
    const b = createRng(123);
    const xs = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(xs);
    expect(createRng(124).next()).not.toBe(xs[0]);
    const r = createRng(9);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(1, 6);
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(6);
      seen.add(v);
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
    }
    expect(seen.size).toBe(6); // both ends inclusive
    expect(() => r.pick([])).toThrow();
  });
});

describe('Sichuan standard items', () => {
  it('has the 53 items with unique codes and 23 DR / 16 CT / 14 MR', () => {
    expect(SICHUAN_STANDARD_ITEMS).toHaveLength(53);
    expect(new Set(SICHUAN_STANDARD_ITEMS.map((s) => s.code)).size).toBe(53);
    expect(SICHUAN_STANDARD_ITEMS.map((s) => s.seq)).toEqual(Array.from({ length: 53 }, (_, i) => i + 1));
    const count = (m: string) => SICHUAN_STANDARD_ITEMS.filter((s) => s.modality === m).length;
    expect([count('DR'), count('CT'), count('MR')]).toEqual([23, 16, 14]);
  });

  it('uses SCHRnnn codes except item 26 (胸部 CT 平扫)', () => {
    for (const s of SICHUAN_STANDARD_ITEMS) {
      expect(s.code).toBe(s.seq === 26 ? CHEST_CT_PLAIN_CODE : `SCHR${String(s.seq).padStart(3, '0')}`);
      expect(s.validityDays).toBe(s.modality === 'DR' ? 30 : 90);
      expect(s.description.length).toBeGreaterThan(0);
    }
    expect(SICHUAN_STANDARD_ITEMS[25]).toMatchObject({ code: 'BW23ZYZZZ-00', modality: 'CT', bodyPart: '胸部' });
    // 髌关节 (sic) in the source → 髋关节 as body part; the official name is kept verbatim.
    expect(SICHUAN_STANDARD_ITEMS[29]).toMatchObject({ bodyPart: '髋关节', name: '髌关节计算机体层（CT）平扫' });
    expect(SICHUAN_STANDARD_ITEMS.some((s) => s.bodyPart.includes('髌'))).toBe(false);
  });
});

describe('hospital exam catalog', () => {
  const standardCodes = new Set(SICHUAN_STANDARD_ITEMS.map((s) => s.code));

  it('maps every standard item and only to existing codes', () => {
    const mapped = new Set(EXAM_ITEM_TEMPLATES.flatMap((t) => t.standardCodes));
    for (const s of SICHUAN_STANDARD_ITEMS) expect(mapped.has(s.code), `${s.seq} ${s.name}`).toBe(true);
    for (const t of EXAM_ITEM_TEMPLATES) for (const c of t.standardCodes) expect(standardCodes.has(c), `${t.code} → ${c}`).toBe(true);
  });

  it('has unique codes, sane type codes, and no mapping for US/MG/ES', () => {
    expect(new Set(EXAM_ITEM_TEMPLATES.map((t) => t.code)).size).toBe(EXAM_ITEM_TEMPLATES.length);
    const TYPE: Record<string, number> = { ES: 1, CT: 2, DR: 3, MG: 3, MR: 4, US: 5 };
    for (const t of EXAM_ITEM_TEMPLATES) {
      expect(t.typeCode).toBe(TYPE[t.modality]);
      expect(t.price).toBeGreaterThan(0);
      // A mapping never crosses modalities.
      for (const c of t.standardCodes) expect(SICHUAN_STANDARD_ITEMS.find((s) => s.code === c)?.modality).toBe(t.modality);
      if (['US', 'MG', 'ES'].includes(t.modality)) expect(t.standardCodes).toEqual([]);
    }
    for (const m of ['US', 'MG', 'ES']) expect(EXAM_ITEM_TEMPLATES.some((t) => t.modality === m)).toBe(true);
    expect(EXAM_ITEM_TEMPLATES.some((t) => t.modality === 'CT' && t.bodyPart === '头部')).toBe(true);
    expect(EXAM_ITEM_TEMPLATES.some((t) => t.modality !== 'US' && t.modality !== 'ES' && t.modality !== 'MG' && t.standardCodes.length === 0)).toBe(true);
  });
});

describe('people / ID cards', () => {
  it('computes ISO 7064 MOD 11-2 check digits', () => {
    // The spec's example patient (seed 002 repeat-reminder): the check digit is valid.
    expect(idCardCheckDigit('23010119870111528')).toBe('3');
    expect(isValidIdCard('230101198701115283')).toBe(true);
    expect(isValidIdCard('230101198701115284')).toBe(false);
    expect(idCardCheckDigit('11010519491231002')).toBe('X'); // GB 11643 worked example
    expect(isValidIdCard('11010519491231002x')).toBe(true);
    expect(isValidIdCard('110105194902300021')).toBe(false); // 30 February
    expect(() => idCardCheckDigit('123')).toThrow();
  });

  it('generates valid, region-plausible, sex-consistent people', () => {
    const rng = createRng(2024);
    for (let i = 0; i < 1000; i++) {
      const p = makePerson(rng, { birthYearMin: 1940, birthYearMax: 2020 });
      expect(isValidIdCard(p.idCardNo), p.idCardNo).toBe(true);
      expect(/^(22|51|3502)/.test(p.idCardNo)).toBe(true);
      expect(Number(p.idCardNo[16]) % 2).toBe(p.sex === 'M' ? 1 : 0);
      expect(p.idCardNo.slice(6, 14)).toBe(p.birthDate.replace(/-/g, ''));
      expect(p.phone).toMatch(/^1(3\d|5[0-35-9]|8\d)\d{8}$/);
      expect(p.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
      expect(p.address).toMatch(CJK);
    }
    expect(makeDoctorName(rng)).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
    expect(makePerson(rng, { region: 'XM' }).idCardNo.startsWith('3502')).toBe(true);
  });
});

describe('labs', () => {
  it('covers the required panels', () => {
    const names = LAB_PANELS.map((p) => p.name);
    for (const n of ['血常规', '肝功能', '肾功能', '血脂四项', '电解质', '空腹血糖', '糖化血红蛋白', '凝血四项', 'C反应蛋白', '甲状腺功能', '尿常规', '微量元素六项']) {
      expect(names).toContain(n);
    }
    expect(LAB_PANELS.find((p) => p.name === '血常规')!.items.length).toBeGreaterThanOrEqual(15);
    expect(LAB_PANELS.find((p) => p.name === '微量元素六项')!.items.map((i) => i.name)).toEqual(['铜', '锌', '钙', '镁', '铁', '铅']);
    const urine = LAB_PANELS.find((p) => p.name === '尿常规')!;
    expect(urine.items.find((i) => i.name === '尿蛋白')?.refText).toBe('阴性');
    expect(urine.items.find((i) => i.name === '尿糖')?.refText).toBe('阴性');
  });

  it('never flags inconsistently with the printed range (1000 samples per panel)', () => {
    const rng = createRng(77);
    const flags = new Set<string>();
    for (const panel of LAB_PANELS) {
      for (let n = 0; n < 1000; n++) {
        const res = generateLabResults(rng, panel, { abnormalRate: 0.3, sex: n % 2 ? 'M' : 'F' });
        expect(res).toHaveLength(panel.items.length);
        res.forEach((r, idx) => {
          const def = panel.items[idx]!;
          flags.add(r.flag);
          if (def.refText !== undefined) {
            expect(r.refRange).toBe(def.refText);
            expect(r.flag).toBe(r.result === def.refText ? 'N' : 'A');
            return;
          }
          expect(r.result).toMatch(def.decimals > 0 ? new RegExp(`^\\d+\\.\\d{${def.decimals}}$`) : /^\d+$/);
          const v = Number(r.result);
          let lo = -Infinity, hi = Infinity;
          const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(r.refRange);
          if (m) { lo = Number(m[1]); hi = Number(m[2]); }
          else if (r.refRange.startsWith('≤')) hi = Number(r.refRange.slice(1));
          else if (r.refRange.startsWith('≥')) lo = Number(r.refRange.slice(1));
          else throw new Error(`unparsed range ${r.refRange}`);
          expect(r.flag, `${panel.name}/${r.name} ${r.result} [${r.refRange}]`).toBe(v > hi ? 'H' : v < lo ? 'L' : 'N');
        });
      }
    }
    expect([...flags].sort()).toEqual(['A', 'H', 'L', 'N']);
  });

  it('produces mostly normal results at a low abnormal rate', () => {
    const rng = createRng(5);
    const all = Array.from({ length: 200 }, () => generateLabResults(rng, LAB_PANELS[0]!, { abnormalRate: 0.05 })).flat();
    expect(all.filter((r) => r.flag === 'N').length / all.length).toBeGreaterThan(0.85);
  });
});

describe('reports', () => {
  it('writes non-empty Chinese text for every catalog item and outcome; critical differs from normal', () => {
    const rng = createRng(11);
    for (const t of EXAM_ITEM_TEMPLATES) {
      const base = { modality: t.modality, bodyPart: t.bodyPart, itemName: t.name, sex: t.sex ?? ('F' as const), age: 58 };
      const normal = writeExamReport(rng, { ...base, outcome: 'normal' });
      const critical = writeExamReport(rng, { ...base, outcome: 'critical' });
      for (const r of [normal, critical]) {
        for (const s of [r.findings, r.impression, r.clinicalDiagnosis, r.briefHistory]) {
          expect(s.length).toBeGreaterThan(1);
          expect(s).toMatch(CJK);
          expect(s).not.toMatch(/[{}]|undefined|NaN/);
        }
      }
      expect(normal.criticalNote).toBeUndefined();
      expect(critical.impression).not.toBe(normal.impression);
      expect(critical.findings).not.toBe(normal.findings);
      if (supportsCritical(base)) expect(critical.criticalNote, t.name).toMatch(/^危急值：/);
      else expect(critical.criticalNote).toBeUndefined();
    }
  });

  it('reads like a head CT report and has critical values for the head', () => {
    const rng = createRng(3);
    const input = { modality: 'CT', bodyPart: '头部', itemName: '头颅CT平扫', sex: 'F' as const, age: 38 };
    const normal = writeExamReport(rng, { ...input, outcome: 'normal' });
    expect(normal.findings.startsWith('颅脑CT平扫：')).toBe(true);
    expect(normal.impression).toMatch(/未见明[显确]异常/);
    const crit = writeExamReport(rng, { ...input, outcome: 'critical' });
    expect(crit.impression).toMatch(/出血|血肿/);
    expect(crit.criticalNote).toBeDefined();
  });

  it('varies phrasing across patients', () => {
    const rng = createRng(8);
    const texts = new Set<string>();
    for (let i = 0; i < 200; i++) {
      texts.add(writeExamReport(rng, { modality: 'CT', bodyPart: '胸部', itemName: '胸部CT平扫', sex: 'M', age: 50, outcome: i % 2 ? 'normal' : 'positive' }).findings);
    }
    expect(texts.size).toBeGreaterThan(100);
  });
});

describe('determinism', () => {
  const run = (seed: number) => {
    const rng = createRng(seed);
    return {
      people: Array.from({ length: 20 }, () => makePerson(rng)),
      reports: EXAM_ITEM_TEMPLATES.map((t) => writeExamReport(rng, { modality: t.modality, bodyPart: t.bodyPart, itemName: t.name, sex: 'M', age: 60, outcome: 'positive' })),
      labs: LAB_PANELS.map((p) => generateLabResults(rng, p, { abnormalRate: 0.2 })),
    };
  };
  it('same seed → identical output; different seed → different output', () => {
    expect(run(42)).toEqual(run(42));
    expect(run(43)).not.toEqual(run(42));
  });
});
