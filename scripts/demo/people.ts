/**
 * Fictitious Chinese people for demo data: names, 18-digit resident ID numbers (GB 11643-1999),
 * phones and addresses in the three demo regions (吉林 22xxxx, 四川 51xxxx, 厦门 3502xx).
 * Everything is drawn from the injected Rng, so a seed reproduces the same population.
 */
import type { Rng } from './rng';

export type DemoRegion = 'JL' | 'SC' | 'XM';

export interface Person {
  name: string;
  sex: 'M' | 'F';
  birthDate: string; // YYYY-MM-DD
  idCardNo: string;
  phone: string;
  address: string;
}

// ── ID card (GB 11643-1999, ISO 7064 MOD 11-2) ──
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK = '10X98765432';

export function idCardCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('idCardCheckDigit: need exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK.charAt(sum % 11);
}

/** Format, real calendar birth date, and check digit (a lower-case x is accepted as X). */
export function isValidIdCard(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1800 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return false;
  return idCardCheckDigit(id.slice(0, 17)) === id.charAt(17).toUpperCase();
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

// ── Regions: admin codes (GB/T 2260) with a few real street names for addresses ──
interface District { code: string; prefix: string; streets: readonly string[] }

const DISTRICTS: Record<DemoRegion, readonly District[]> = {
  JL: [
    { code: '220102', prefix: '吉林省长春市南关区', streets: ['人民大街', '自由大路', '南湖大路', '亚泰大街'] },
    { code: '220104', prefix: '吉林省长春市朝阳区', streets: ['西安大路', '红旗街', '湖西路', '清和街'] },
    { code: '220105', prefix: '吉林省长春市二道区', streets: ['东盛大街', '吉林大路', '临河街'] },
    { code: '220106', prefix: '吉林省长春市绿园区', streets: ['青年路', '景阳大路', '西环城路'] },
    { code: '220202', prefix: '吉林省吉林市昌邑区', streets: ['解放中路', '重庆街', '松江中路'] },
    { code: '220204', prefix: '吉林省吉林市船营区', streets: ['北京路', '河南街', '越山路'] },
    { code: '220302', prefix: '吉林省四平市铁西区', streets: ['英雄大街', '中央西路'] },
    { code: '220502', prefix: '吉林省通化市东昌区', streets: ['新华大街', '建设大街'] },
    { code: '222401', prefix: '吉林省延边朝鲜族自治州延吉市', streets: ['光明街', '人民路', '公园路'] },
  ],
  SC: [
    { code: '510104', prefix: '四川省成都市锦江区', streets: ['春熙路', '红星路', '东大街'] },
    { code: '510105', prefix: '四川省成都市青羊区', streets: ['人民中路', '蜀都大道', '清江东路'] },
    { code: '510107', prefix: '四川省成都市武侯区', streets: ['武侯祠大街', '人民南路', '科华北路'] },
    { code: '510108', prefix: '四川省成都市成华区', streets: ['建设路', '二环路东二段', '府青路'] },
    { code: '511002', prefix: '四川省内江市市中区', streets: ['汉安大道', '玉溪路', '大千路'] },
    { code: '511011', prefix: '四川省内江市东兴区', streets: ['汉渝大道', '东兴大道', '交通路'] },
    { code: '511024', prefix: '四川省内江市威远县', streets: ['严陵镇建设路', '新店镇正街'] },
    { code: '511025', prefix: '四川省内江市资中县', streets: ['水南镇重龙大道', '归德镇正街'] },
    { code: '510302', prefix: '四川省自贡市自流井区', streets: ['五星街', '解放路'] },
  ],
  XM: [
    { code: '350203', prefix: '福建省厦门市思明区', streets: ['湖滨南路', '厦禾路', '莲前西路', '中山路'] },
    { code: '350206', prefix: '福建省厦门市湖里区', streets: ['嘉禾路', '仙岳路', '湖里大道'] },
    { code: '350211', prefix: '福建省厦门市集美区', streets: ['集美大道', '杏林湾路', '乐海路'] },
    { code: '350205', prefix: '福建省厦门市海沧区', streets: ['滨湖北路', '海沧大道'] },
    { code: '350212', prefix: '福建省厦门市同安区', streets: ['环城南路', '同安大道'] },
    { code: '350213', prefix: '福建省厦门市翔安区', streets: ['新店镇翔安南路', '马巷镇巷南路'] },
  ],
};

// ── Names ──
// Roughly frequency-ordered common surnames; earlier entries are picked more often (see pickSurname).
const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林',
  '高', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁',
  '潘', '蒋', '蔡', '余', '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '姚', '卢', '姜', '崔', '钟',
  '谭', '陆', '汪', '范', '金', '石', '廖', '贾', '夏', '韦', '付', '方', '白', '邹', '孟', '熊', '秦', '邱',
  '江', '尹', '薛', '闫', '段', '雷', '侯', '龙', '史', '陶', '黎', '贺', '顾', '毛', '郝', '龚', '邵', '万',
] as const;

// Given names by generation, since naming fashion shifts strongly with birth decade.
const GIVEN: Record<'M' | 'F', Record<'old' | 'mid' | 'young', readonly string[]>> = {
  M: {
    old: ['建国', '国庆', '德明', '永刚', '振华', '建华', '志强', '国华', '学军', '福贵', '长林', '文忠', '树林', '玉山', '保国', '明', '军', '强', '华', '平', '刚', '林'],
    mid: ['伟', '磊', '勇', '杰', '涛', '斌', '超', '鹏', '辉', '亮', '峰', '海涛', '晓东', '建军', '志刚', '文斌', '立新', '俊杰', '海波', '志勇', '春雷', '建伟'],
    young: ['浩然', '宇轩', '子豪', '俊熙', '梓睿', '一鸣', '博文', '天佑', '皓轩', '子墨', '宇航', '家豪', '明轩', '思远', '睿', '航', '哲', '宸', '昊', '鑫'],
  },
  F: {
    old: ['秀英', '桂英', '玉兰', '秀兰', '淑华', '桂兰', '凤英', '玉珍', '秀珍', '淑珍', '春梅', '丽华', '素芬', '兰', '梅', '芳', '英', '珍'],
    mid: ['丽', '静', '敏', '艳', '娟', '霞', '燕', '玲', '红', '芳', '丽娟', '晓燕', '海燕', '雪梅', '春燕', '丽萍', '美玲', '晓丽', '婷婷', '慧敏'],
    young: ['欣怡', '梓涵', '诗涵', '雨萱', '佳怡', '思琪', '子涵', '雅婷', '可欣', '一诺', '语桐', '若曦', '梦瑶', '婉清', '悦', '琪', '萱', '妍', '彤', '瑶'],
  },
};

function pickSurname(rng: Rng): string {
  // Skew toward the head of the list: min of two uniforms has a triangular density favouring small indices.
  const i = Math.min(rng.int(0, SURNAMES.length - 1), rng.int(0, SURNAMES.length - 1));
  return SURNAMES[i] ?? '王';
}

function makeName(rng: Rng, sex: 'M' | 'F', birthYear: number): string {
  const gen = birthYear < 1965 ? 'old' : birthYear < 1995 ? 'mid' : 'young';
  return pickSurname(rng) + rng.pick(GIVEN[sex][gen]);
}

/** A doctor's name (adult, any generation mix). */
export function makeDoctorName(rng: Rng): string {
  const sex = rng.chance(0.5) ? 'M' : 'F';
  return makeName(rng, sex, rng.int(1960, 1995));
}

// Real mobile prefixes (China Mobile / Unicom / Telecom 13x, 15x, 18x).
const PHONE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139',
  '150', '151', '152', '153', '155', '156', '157', '158', '159',
  '180', '181', '182', '183', '184', '185', '186', '187', '188', '189',
] as const;

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

export function makePerson(
  rng: Rng,
  opts?: { birthYearMin?: number; birthYearMax?: number; region?: DemoRegion },
): Person {
  const sex: 'M' | 'F' = rng.chance(0.5) ? 'M' : 'F';
  const year = rng.int(opts?.birthYearMin ?? 1940, opts?.birthYearMax ?? 2015);
  const month = rng.int(1, 12);
  const day = rng.int(1, daysInMonth(year, month));
  const birth = `${year}${pad(month, 2)}${pad(day, 2)}`;

  const region: DemoRegion = opts?.region ?? rng.pick(['JL', 'SC', 'XM'] as const);
  const district = rng.pick(DISTRICTS[region]);

  // Sequence code: 3 digits, the last one odd for men and even for women.
  const seq = rng.int(0, 49) * 2 + (sex === 'M' ? 1 : 0); // 0..99, parity by sex
  const first17 = `${district.code}${birth}${pad(rng.int(0, 9), 1)}${pad(seq, 2)}`;

  const phone = rng.pick(PHONE_PREFIXES) + pad(rng.int(0, 99_999_999), 8);
  const address = rng.chance(0.6)
    ? `${district.prefix}${rng.pick(district.streets)}${rng.int(1, 999)}号${rng.int(1, 30)}栋${rng.int(1, 6)}单元${rng.int(1, 28)}0${rng.int(1, 6)}室`
    : `${district.prefix}${rng.pick(district.streets)}${rng.int(1, 999)}号`;

  return {
    name: makeName(rng, sex, year),
    sex,
    birthDate: `${year}-${pad(month, 2)}-${pad(day, 2)}`,
    idCardNo: first17 + idCardCheckDigit(first17),
    phone,
    address,
  };
}
