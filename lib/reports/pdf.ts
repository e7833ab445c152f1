/**
 * Dependency-free PDF 1.4 writer for 检查报告单 (exam report sheets).
 *
 * Why hand-written: we may not ship font files or add npm packages. PDF viewers
 * (pdf.js, PDFium, Acrobat, poppler) all know the predefined Adobe CJK font
 * STSong-Light + CMap UniGB-UCS2-H, so the font is referenced, never embedded,
 * and every CJK run is written as a hex UTF-16BE (UCS-2) string. ASCII runs
 * ("CT", "2.3cm", "T2WI") use the standard-14 Helvetica instead: its metrics
 * are fixed by spec and every viewer has a metric-compatible substitute
 * (Arial, Liberation Sans), whereas the Latin glyphs of whatever CJK font a
 * viewer substitutes for STSong-Light vary in width. So our width maths is
 * exact everywhere: Helvetica AFM widths for ASCII, 1 em for everything else.
 *
 * Output is deterministic: no dates, no random IDs, uncompressed streams
 * (also keeps the module runnable in the browser — no zlib).
 */

export interface ReportSheet {
  hospitalName: string;
  title?: string /* default '医学影像检查报告单' */;
  patient: { name: string; sex: string /* 男/女/未知 */; age: string /* '45岁' */; patientId?: string; idCardMasked?: string };
  exam: {
    accessionNumber: string;
    modality: string;
    itemName: string;
    bodyPart?: string;
    applyDept?: string;
    applyDoctor?: string;
    performedAt?: string;
    reportedAt?: string;
    auditedAt?: string;
  };
  findings: string;
  impression: string;
  reportDoctor?: string;
  auditDoctor?: string;
  critical?: boolean;
  positive?: boolean;
  footer?: string /* default '本报告仅供临床参考，以审核医师签字为准' */;
}

// ---- page geometry (points; A4 = 210×297 mm) --------------------------------
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN_X = 56.7; // 20 mm left/right
const TOP = PAGE_H - 48; // ~17 mm top margin
const BODY_BOTTOM = 72; // body text never goes below this; footer lives underneath
const CONTENT_W = PAGE_W - 2 * MARGIN_X;
const BODY_SIZE = 10.5; // 五号字, the usual size for Chinese documents
const BODY_LEADING = 18;
const RED = '0.8 0 0';

// ---- text measurement & encoding ---------------------------------------------

/** Code points the CMap can't address (non-BMP) become 〓, the customary "missing glyph" mark. */
function normalize(s: string): string {
  return s.replace(/[\u{10000}-\u{10FFFF}]/gu, '\u3013').replace(/[\u0000-\u001f\u007f]/g, '');
}

// Helvetica AFM advance widths for ASCII 0x20–0x7E (WinAnsi: 0x27 quotesingle, 0x60 grave).
const HELV = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
  556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
  260, 334, 584,
];

// Latin-1 signs frequent in measurements. Through the CJK font they map to
// full-width cells with a narrow glyph ("2.3cm×  1.8cm"), so send them to
// Helvetica (WinAnsi code == Latin-1 code for these).
const LATIN1_EXTRA: Record<number, number> = { 0xd7: 584, 0xb0: 400, 0xb1: 584, 0xb5: 556, 0xb2: 333, 0xb3: 333 };
const LATIN = '\\x20-\\x7e\\xd7\\xb0\\xb1\\xb5\\xb2\\xb3'; // regex class body: everything set in Helvetica
const RUNS = new RegExp(`[${LATIN}]+|[^${LATIN}]+`, 'g');
const WORD = new RegExp(`[${LATIN.replace('x20', 'x21')}]+|[\\s\\S]`, 'g'); // unbreakable Latin words, else single chars

const isLatin = (cp: number) => (cp >= 0x20 && cp <= 0x7e) || cp in LATIN1_EXTRA;
const cpWidth = (cp: number) => (cp >= 0x20 && cp <= 0x7e ? HELV[cp - 0x20] : (LATIN1_EXTRA[cp] ?? 1000));

/** Width in points at the given font size (text must already be normalized). */
function measure(s: string, size: number): number {
  let units = 0;
  for (let i = 0; i < s.length; i++) units += cpWidth(s.charCodeAt(i));
  return (units * size) / 1000;
}

/** CJK run → UTF-16BE hex string for the UniGB-UCS2-H font. */
function hex(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += s.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return `<${out}>`;
}

/** Latin run → PDF literal string for Helvetica (WinAnsi; non-ASCII as octal escapes). */
const literal = (s: string) =>
  `(${s.replace(/[\\()]/g, '\\$&').replace(/[^\x20-\x7e]/g, (c) => '\\' + c.charCodeAt(0).toString(8))})`;

/** Fixed 2-decimal numbers keep the byte output stable and compact. */
const n = (v: number) => String(Math.round(v * 100) / 100);

function truncate(s: string, size: number, maxW: number): string {
  if (measure(s, size) <= maxW) return s;
  let out = s;
  while (out.length > 0 && measure(out + '…', size) > maxW) out = out.slice(0, -1);
  return out + '…';
}

// ---- line breaking -------------------------------------------------------------

// 禁则 (kinsoku): closing punctuation may not start a line, opening may not end one.
const NO_START = new Set([...'，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}']);
const NO_END = new Set([...'（《「『【〔〈“‘([{']);

interface Line {
  text: string;
  width: number;
  indent: number;
  justify: boolean;
}

/**
 * Greedy wrap: ASCII runs (numbers, "12.5mm", "T2WI") stay unbroken, every CJK
 * character is a break opportunity, with kinsoku fix-ups. Paragraphs come from
 * newlines and get the customary two-character first-line indent.
 */
function wrap(text: string, size: number, width: number, indentFirst = true): Line[] {
  const lines: Line[] = [];
  for (const rawPara of text.replace(/\t/g, ' ').split(/\r\n?|\n/)) {
    const para = normalize(rawPara).trim();
    if (!para) continue;
    const tokens: string[] = [];
    for (const t of para.match(WORD) ?? []) {
      // A single ASCII run wider than the line must be split by character.
      if (t.length > 1 && measure(t, size) > width - 2 * size) tokens.push(...t);
      else tokens.push(t);
    }
    let indent = indentFirst ? 2 * size : 0;
    let cur: string[] = [];
    const flush = (justify: boolean) => {
      while (cur.length && /^[ \u3000]$/.test(cur[cur.length - 1])) cur.pop();
      const s = cur.join('');
      lines.push({ text: s, width: measure(s, size), indent, justify });
      indent = 0;
      cur = [];
    };
    for (const tok of tokens) {
      const isSpace = tok === ' ' || tok === '\u3000';
      if (!cur.length && isSpace) continue; // no leading blanks on wrapped lines
      if (measure(cur.join('') + tok, size) <= width - indent + 0.01) {
        cur.push(tok);
        continue;
      }
      if (isSpace) {
        flush(true);
        continue;
      }
      const carry: string[] = [];
      if (NO_START.has(tok[0]) && cur.length > 1) carry.unshift(cur.pop()!);
      while (cur.length > 1 && NO_END.has(cur[cur.length - 1])) carry.unshift(cur.pop()!);
      flush(true);
      cur = [...carry, tok];
    }
    if (cur.length) flush(false);
  }
  return lines;
}

// ---- drawing -------------------------------------------------------------------

interface TextOpts {
  bold?: boolean;
  color?: string;
  charSpacing?: number;
}

class Page {
  ops: string[] = [];

  text(x: number, y: number, size: number, s: string, o: TextOpts = {}): void {
    s = normalize(s);
    if (!s) return;
    const state: string[] = [];
    if (o.color) state.push(`${o.color} rg ${o.color} RG`);
    // Faux bold: fill + thin stroke (render mode 2) — there is no bold STSong.
    if (o.bold) state.push(`2 Tr ${n(size / 30)} w`);
    if (o.charSpacing) state.push(`${n(o.charSpacing)} Tc`);
    // Consecutive Tj's advance the pen, so font switches need no positioning.
    const runs = (s.match(RUNS) ?? []).map((r) =>
      isLatin(r.charCodeAt(0)) ? `/F2 ${n(size)} Tf ${literal(r)} Tj` : `/F1 ${n(size)} Tf ${hex(r)} Tj`,
    );
    const bt = `BT ${n(x)} ${n(y)} Td ${runs.join(' ')} ET`;
    // Text-state params (Tc, Tr) outlive ET, so scope them with q/Q.
    this.ops.push(state.length ? `q ${state.join(' ')} ${bt} Q` : bt);
  }

  centered(y: number, size: number, s: string, o: TextOpts = {}): void {
    const s2 = normalize(s);
    const w = measure(s2, size) + (o.charSpacing ?? 0) * Math.max(0, s2.length - 1);
    this.text((PAGE_W - w) / 2, y, size, s2, o);
  }

  right(xRight: number, y: number, size: number, s: string, o: TextOpts = {}): void {
    this.text(xRight - measure(normalize(s), size), y, size, s, o);
  }

  rule(y: number, width = 0.5, x1 = MARGIN_X, x2 = PAGE_W - MARGIN_X): void {
    this.ops.push(`${n(width)} w ${n(x1)} ${n(y)} m ${n(x2)} ${n(y)} l S`);
  }

  /** Red outlined stamp such as 危急值 / 阳性; returns its left x so stamps can be chained. */
  badge(xRight: number, baseline: number, label: string): number {
    const size = 10.5;
    const w = measure(label, size) + 8;
    const x = xRight - w;
    this.ops.push(`q ${RED} RG 1 w ${n(x)} ${n(baseline - 4)} ${n(w)} ${n(size + 6)} re S Q`);
    this.text(x + 4, baseline, size, label, { color: RED, bold: true });
    return x - 6;
  }
}

// ---- layout --------------------------------------------------------------------

export function renderReportPdf(sheet: ReportSheet): Uint8Array {
  const title = sheet.title ?? '医学影像检查报告单';
  const footer = sheet.footer ?? '本报告仅供临床参考，以审核医师签字为准';
  const { patient: p, exam: e } = sheet;
  const pages: Page[] = [];
  let page!: Page;
  let y = 0;

  // First page gets the full header; continuation pages a compact one so a
  // loose second sheet is still attributable to the patient/exam.
  const newPage = () => {
    page = new Page();
    pages.push(page);
    if (pages.length === 1) {
      // Very long names (e.g. 某某大学附属第一医院某某分院) shrink rather than overflow.
      const nameSize = Math.min(18, (18 * CONTENT_W) / Math.max(1, measure(normalize(sheet.hospitalName), 18)));
      page.centered(TOP - 18, nameSize, sheet.hospitalName, { bold: true });
      page.centered(TOP - 46, 15, title, { charSpacing: 3 });
      let bx = PAGE_W - MARGIN_X;
      if (sheet.critical) bx = page.badge(bx, TOP - 46, '危急值');
      if (sheet.positive) page.badge(bx, TOP - 46, '阳性');
      page.rule(TOP - 58, 1.2);
      y = headerTable(page, TOP - 76);
    } else {
      page.centered(TOP - 14, 12, truncate(normalize(`${sheet.hospitalName}  ${title}（续）`), 12, CONTENT_W), {
        bold: true,
      });
      const info = `姓名：${p.name}    检查号：${e.accessionNumber}    检查项目：${e.itemName}`;
      page.text(MARGIN_X, TOP - 36, 9, truncate(normalize(info), 9, CONTENT_W));
      page.rule(TOP - 44, 0.8);
      y = TOP - 66;
    }
  };

  /** 3-column label/value grid; absent optional fields are skipped, not left blank. */
  function headerTable(pg: Page, top: number): number {
    const size = 10.5;
    const rowH = 19;
    const colW = CONTENT_W / 3;
    const fields: [string, string | undefined][] = [
      ['姓名', p.name],
      ['性别', p.sex],
      ['年龄', p.age],
      ['患者ID', p.patientId],
      ['检查号', e.accessionNumber],
      ['检查类型', e.modality],
      ['申请科室', e.applyDept],
      ['申请医生', e.applyDoctor],
      ['检查部位', e.bodyPart],
      ['身份证号', p.idCardMasked],
      ['检查时间', e.performedAt],
    ];
    const present = fields.filter(([, v]) => v !== undefined && v !== '');
    const labelW = measure('检查类型：', size); // widest label → values line up per column
    let yy = top;
    present.forEach(([label, value], i) => {
      const x = MARGIN_X + (i % 3) * colW;
      if (i > 0 && i % 3 === 0) yy -= rowH;
      pg.text(x, yy, size, `${label}：`);
      pg.text(x + labelW, yy, size, truncate(normalize(value!), size, colW - labelW - 12));
    });
    // Item names can be long ("上腹部CT平扫+增强（肝胆胰脾）"): own row, wrapped.
    yy -= rowH;
    pg.text(MARGIN_X, yy, size, '检查项目：');
    const itemLines = wrap(e.itemName, size, CONTENT_W - labelW, false);
    itemLines.forEach((l, i) => {
      if (i > 0) yy -= 15;
      pg.text(MARGIN_X + labelW, yy, size, l.text);
    });
    pg.rule(yy - 9, 0.8);
    return yy - 32;
  }

  const ensure = (h: number) => {
    if (y - h < BODY_BOTTOM) newPage();
  };

  const sectionHeight = (lines: Line[]) => 22 + lines.length * BODY_LEADING + 10;
  const section = (heading: string, lines: Line[]) => {
    ensure(22 + BODY_LEADING); // keep heading with its first line
    page.text(MARGIN_X, y, 12, heading, { bold: true });
    y -= 22;
    for (const line of lines) {
      ensure(0);
      // Justify full lines (Tc per character) so the right edge is flush, as
      // in typeset Chinese; skip when a long ASCII word left a big gap.
      const slack = CONTENT_W - line.indent - line.width;
      const cs = line.justify && line.text.length > 1 && slack < 2 * BODY_SIZE ? slack / (line.text.length - 1) : 0;
      page.text(MARGIN_X + line.indent, y, BODY_SIZE, line.text, { charSpacing: cs });
      y -= BODY_LEADING;
    }
    y -= 10;
  };

  // Signature block: anchored just above the footer like printed report forms.
  const SIG_H = 48;
  const SIG_TOP = BODY_BOTTOM + SIG_H + 4; // lowest y the text may reach on the signed page

  newPage();
  section('检查所见：', wrap(sheet.findings, BODY_SIZE, CONTENT_W));
  // 诊断意见 is what the doctors sign: keep it on the same page as the
  // signatures (never a signature-only page) when it fits on one page at all.
  const impression = wrap(sheet.impression, BODY_SIZE, CONTENT_W);
  const h = sectionHeight(impression);
  if (y - h < SIG_TOP && TOP - 66 - h >= SIG_TOP) newPage();
  section('诊断意见：', impression);
  if (y < SIG_TOP) newPage();
  const sy = BODY_BOTTOM + SIG_H - 14;
  page.rule(sy + 16, 0.8);
  const half = MARGIN_X + CONTENT_W / 2;
  page.text(MARGIN_X, sy, BODY_SIZE, `报告医师：${sheet.reportDoctor ?? ''}`);
  page.text(half, sy, BODY_SIZE, `审核医师：${sheet.auditDoctor ?? ''}`);
  page.text(MARGIN_X, sy - 20, BODY_SIZE, `报告时间：${e.reportedAt ?? ''}`);
  page.text(half, sy - 20, BODY_SIZE, `审核时间：${e.auditedAt ?? ''}`);

  // Footer needs the page count, so it is drawn after layout.
  pages.forEach((pg, i) => {
    const pageNo = `第 ${i + 1} 页 / 共 ${pages.length} 页`;
    pg.rule(BODY_BOTTOM - 22, 0.5);
    pg.right(PAGE_W - MARGIN_X, BODY_BOTTOM - 36, 9, pageNo);
    pg.text(MARGIN_X, BODY_BOTTOM - 36, 9, truncate(normalize(footer), 9, CONTENT_W - measure(pageNo, 9) - 18));
  });

  return serialize(pages, `${sheet.hospitalName} ${title} ${e.accessionNumber}`);
}

// ---- file structure --------------------------------------------------------------

/**
 * Identity ToUnicode CMap (our codes *are* UCS-2). Viewers resolve UniGB-UCS2-H
 * themselves, but this makes copy/paste and text extraction work even in tools
 * lacking the Adobe CMap data.
 */
function toUnicodeCMap(): string {
  const ranges: string[] = [];
  for (let hi = 0; hi < 256; hi++) {
    if (hi >= 0xd8 && hi <= 0xdf) continue; // surrogates are never emitted
    const h = hi.toString(16).toUpperCase().padStart(2, '0');
    ranges.push(`<${h}00> <${h}FF> <${h}00>`);
  }
  const blocks: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) {
    const chunk = ranges.slice(i, i + 100);
    blocks.push(`${chunk.length} beginbfrange\n${chunk.join('\n')}\nendbfrange`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Yingyun-UCS2-ToUnicode def',
    '/CMapType 2 def',
    '1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

const stream = (body: string) => `<< /Length ${body.length} >>\nstream\n${body}\nendstream`;

/** Everything except the binary-marker comment is ASCII, so string length == byte length. */
function serialize(pages: Page[], docTitle: string): Uint8Array {
  // 1 Catalog, 2 Pages, 3 Info, 4 Type0, 5 CIDFont, 6 FontDescriptor, 7 ToUnicode, 8 Helvetica,
  // then page/content pairs.
  const pageIds = pages.map((_, i) => 9 + 2 * i);
  const objects: string[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    `<< /Title <FEFF${hex(normalize(docTitle)).slice(1, -1)}> /Producer (Yingyun) >>`,
    '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] /ToUnicode 7 0 R >>',
    // Half-width CIDs 1–95 declared 500 in case a viewer ever routes ASCII here; we never do.
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 6 0 R /DW 1000 /W [1 95 500] >>',
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
    stream(toUnicodeCMap()),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  pages.forEach((pg, i) => {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${n(PAGE_W)} ${n(PAGE_H)}] /Resources << /Font << /F1 4 0 R /F2 8 0 R >> >> /Contents ${pageIds[i] + 1} 0 R >>`,
      stream(pg.ops.join('\n')),
    );
  });

  let out = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n'; // binary marker so transports treat the file as binary
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 3 0 R >>\nstartxref\n${xref}\n%%EOF\n`;

  const bytes = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) bytes[i] = out.charCodeAt(i); // latin1: all chars < 256
  return bytes;
}
