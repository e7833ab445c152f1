import { describe, expect, it } from 'vitest';
import { renderReportPdf, type ReportSheet } from './pdf';

const sheet: ReportSheet = {
  hospitalName: '浙江省影云区域医学影像中心',
  patient: { name: '王建国', sex: '男', age: '45岁', patientId: 'P0012345', idCardMasked: '330106********1234' },
  exam: {
    accessionNumber: 'CT202405120001',
    modality: 'CT',
    itemName: '上腹部CT平扫+增强（肝、胆、胰、脾）',
    bodyPart: '上腹部',
    applyDept: '消化内科',
    applyDoctor: '李明',
    performedAt: '2024-05-12 09:30',
    reportedAt: '2024-05-12 11:02',
    auditedAt: '2024-05-12 14:20',
  },
  findings:
    '肝脏大小、形态正常，肝右叶见一类圆形低密度影，大小约2.3cm×1.8cm，增强扫描呈"快进慢出"表现（T2WI/DWI请结合MRI）。\n胆囊不大，壁不厚。胰腺、脾脏未见异常。',
  impression: '1. 肝右叶占位，考虑肝血管瘤。\n2. 余未见明显异常。',
  reportDoctor: '张伟',
  auditDoctor: '陈晓红',
  critical: true,
  positive: true,
};

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** Content streams in file order (uncompressed), checking /Length against the actual bytes. */
function contentStreams(pdf: string): string[] {
  const out: string[] = [];
  for (const m of pdf.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
    const start = m.index! + m[0].length;
    const len = Number(m[1]);
    expect(pdf.slice(start + len, start + len + 10)).toBe('\nendstream');
    const body = pdf.slice(start, start + len);
    if (!body.includes('begincmap')) out.push(body); // skip the ToUnicode CMap
  }
  return out;
}

/** Decode every shown string back to Unicode: hex = UTF-16BE (CJK font), literal = WinAnsi/Latin-1 (Helvetica). */
function shownText(stream: string): string {
  let text = '';
  for (const m of stream.matchAll(/<([0-9A-F]+)> Tj|\(((?:\\[\s\S]|[^\\)])*)\) Tj/g)) {
    if (m[1]) {
      for (let i = 0; i < m[1].length; i += 4) text += String.fromCharCode(parseInt(m[1].slice(i, i + 4), 16));
    } else {
      text += m[2].replace(/\\([0-7]{1,3}|[\s\S])/g, (_, e: string) =>
        /^[0-7]+$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e,
      );
    }
  }
  return text;
}

const utf16Hex = (s: string) =>
  [...s].map((c) => c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')).join('');
const noSpace = (s: string) => s.replace(/\s/g, '');

describe('renderReportPdf', () => {
  const bytes = renderReportPdf(sheet);
  const pdf = latin1(bytes);

  it('has a PDF 1.4 header and ends with %%EOF', () => {
    expect(pdf.startsWith('%PDF-1.4\n')).toBe(true);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
  });

  it('has an xref table whose offsets point at the matching objects', () => {
    const startxref = Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(pdf)![1]);
    expect(pdf.startsWith('xref\n', startxref)).toBe(true);
    const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(pdf.slice(startxref))!;
    expect(first).toBe('0');
    const table = pdf.slice(startxref).split('\n').slice(2, 2 + Number(count));
    expect(table[0]).toBe('0000000000 65535 f ');
    table.slice(1).forEach((entry, i) => {
      expect(entry).toMatch(/^\d{10} 00000 n $/);
      expect(pdf.startsWith(`${i + 1} 0 obj\n`, Number(entry.slice(0, 10)))).toBe(true);
    });
    expect(pdf).toContain(`/Size ${count} /Root 1 0 R /Info 3 0 R`);
    // Each xref entry must be exactly 20 bytes.
    expect(table.every((l) => l.length === 19)).toBe(true);
  });

  it('uses the non-embedded STSong-Light CID font and sets /Info', () => {
    expect(pdf).toContain('/BaseFont /STSong-Light /Encoding /UniGB-UCS2-H');
    expect(pdf).toContain('/Registry (Adobe) /Ordering (GB1) /Supplement 2');
    expect(pdf).not.toContain('/FontFile');
    expect(pdf).toContain(`/Title <FEFF${utf16Hex(sheet.hospitalName)}`);
    expect(pdf).toContain('/Producer (Yingyun)');
  });

  it('writes every input string into the content streams (Chinese as UTF-16BE hex)', () => {
    const streams = contentStreams(pdf);
    const text = noSpace(streams.map(shownText).join(''));
    const inputs = [
      sheet.hospitalName, '医学影像检查报告单', sheet.patient.name, sheet.patient.sex, sheet.patient.age,
      sheet.patient.patientId!, sheet.patient.idCardMasked!, ...Object.values(sheet.exam), sheet.reportDoctor!,
      sheet.auditDoctor!, '本报告仅供临床参考，以审核医师签字为准', '危急值', '阳性', '检查所见', '诊断意见',
      ...sheet.findings.split('\n'), ...sheet.impression.split('\n'),
    ];
    for (const s of inputs) expect(text).toContain(noSpace(s));
    // Pure-CJK strings must appear verbatim as one hex string (no wrapping happened in them).
    const all = streams.join('\n');
    for (const s of [sheet.patient.name, sheet.hospitalName, sheet.auditDoctor!, '上腹部']) {
      expect(all).toContain(utf16Hex(s));
    }
  });

  it('paginates long findings onto 2+ pages with page numbers', () => {
    const findings = '肝实质密度均匀，未见明显异常强化灶，肝内血管走行自然。'.repeat(120).slice(0, 3000);
    expect(findings).toHaveLength(3000);
    const long = latin1(renderReportPdf({ ...sheet, findings }));
    const pages = Number(/\/Type \/Pages \/Kids \[[^\]]*\] \/Count (\d+)/.exec(long)![1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    const streams = contentStreams(long);
    expect(streams).toHaveLength(pages);
    // Drop page furniture (headers/footers repeat on every page): keep only the
    // BT…ET lines that are pieces of the findings, then they must rebuild it.
    const bodyLines = streams
      .flatMap((st) => st.match(/BT [\s\S]*? ET/g) ?? [])
      .map(shownText)
      .filter((l) => findings.includes(l));
    expect(bodyLines.join('')).toContain(findings);
    expect(shownText(streams[1])).toContain(`第 2 页 / 共 ${pages} 页`);
  });

  it('is deterministic', () => {
    expect(renderReportPdf(sheet)).toEqual(bytes);
    expect(Buffer.from(renderReportPdf(structuredClone(sheet))).equals(Buffer.from(bytes))).toBe(true);
  });

  it('escapes Helvetica literals and replaces non-BMP characters', () => {
    const odd = latin1(renderReportPdf({ ...sheet, patient: { ...sheet.patient, name: '吉𠮷' }, impression: 'a(b)c\\d 45±5HU' }));
    const text = contentStreams(odd).map(shownText).join('');
    expect(text).toContain('吉\u3013');
    expect(text).toContain('a(b)c\\d 45±5HU');
  });
});
