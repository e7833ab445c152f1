// Integration: the Debian Orthanc + DICOMweb plugin works on this machine as a DICOMweb peer
// (STOW-RS, QIDO-RS, WADO-RS), and startOrthanc()/stop() leave nothing behind.
// First run installs the packages (apt-get; minutes at worst), hence the 900 s hook.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOrthancInstalled, multipartRelated, parseMultipart, startOrthanc, type Orthanc } from '../scripts/orthanc';
import { SAMPLES_DIR } from './support/samples';

const DIR = path.join(SAMPLES_DIR ?? '/nonexistent', 'stack', 'mr-brain-ge-signa-20');
const hasSamples = existsSync(DIR);
if (!hasSamples) console.warn(`tests/orthanc.test.ts: SKIPPED — ${DIR} is absent (needs the shared DICOM samples)`);

/** Part-10 file meta (group 0002, always explicit VR little endian) as tag → value, and where the dataset starts. */
function splitPart10(f: Uint8Array): { meta: Map<string, string>; datasetStart: number } {
  if (Buffer.from(f.subarray(128, 132)).toString('latin1') !== 'DICM') throw new Error('no DICM prefix');
  const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);
  const meta = new Map<string, string>();
  let p = 132;
  while (p + 8 <= f.length && dv.getUint16(p, true) === 0x0002) {
    const tag = `0002,${dv.getUint16(p + 2, true).toString(16).padStart(4, '0')}`;
    const vr = Buffer.from(f.subarray(p + 4, p + 6)).toString('latin1');
    const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV', 'SV', 'UV'].includes(vr);
    const len = long ? dv.getUint32(p + 8, true) : dv.getUint16(p + 6, true);
    const v = f.subarray(p + (long ? 12 : 8), p + (long ? 12 : 8) + len);
    meta.set(tag, vr === 'UL' ? String(dv.getUint32(p + 8, true)) : vr === 'OB' ? Buffer.from(v).toString('hex') : Buffer.from(v).toString('latin1').replace(/[\0 ]+$/, ''));
    p += (long ? 12 : 8) + len;
  }
  return { meta, datasetStart: p };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true))); // Orthanc binds all interfaces
  });
}

describe.skipIf(!hasSamples)('Orthanc DICOMweb peer', () => {
  let o: Orthanc | undefined;
  const names = hasSamples ? readdirSync(DIR).filter((n) => n.endsWith('.dcm')).sort().slice(0, 3) : [];
  const files = names.map((n) => new Uint8Array(readFileSync(path.join(DIR, n))));
  const uid = (f: Uint8Array, tag: string) => dicomParser.parseDicom(f, { untilTag: 'x7fe00010' }).string(tag)!.trim();
  const studyUid = files[0] ? uid(files[0], 'x0020000d') : '';
  const seriesUid = files[0] ? uid(files[0], 'x0020000e') : '';

  beforeAll(async () => {
    const t0 = performance.now();
    await ensureOrthancInstalled();
    const t1 = performance.now();
    o = await startOrthanc();
    console.info(`Orthanc: install check ${((t1 - t0) / 1000).toFixed(1)} s, start ${((performance.now() - t1) / 1000).toFixed(2)} s, ${o.baseUrl}`);
  }, 900_000);
  afterAll(async () => {
    await o?.stop();
  });

  it('STOW-RS stores three real files in one multipart/related request', async () => {
    const { body, contentType } = multipartRelated(files);
    const r = await fetch(`${o!.dicomWebRoot}/studies`, { method: 'POST', headers: { 'Content-Type': contentType, Accept: 'application/dicom+json' }, body });
    const json = (await r.json()) as Record<string, { Value?: unknown[] }>;
    expect(r.status, JSON.stringify(json)).toBe(200);
    expect(json['00081199']?.Value).toHaveLength(3); // ReferencedSOPSequence
    expect(json['00081198']?.Value ?? []).toHaveLength(0); // FailedSOPSequence (Orthanc sends it empty)
  });

  it('QIDO-RS finds the study by PatientID', async () => {
    const pid = uid(files[0], 'x00100020');
    const r = await fetch(`${o!.dicomWebRoot}/studies?PatientID=${encodeURIComponent(pid)}`, { headers: { Accept: 'application/dicom+json' } });
    expect(r.status).toBe(200);
    const studies = (await r.json()) as Record<string, { Value?: string[] }>[];
    expect(studies.map((s) => s['0020000D']?.Value?.[0])).toContain(studyUid);
    const series = (await (await fetch(`${o!.dicomWebRoot}/studies/${studyUid}/series/${seriesUid}/instances`)).json()) as unknown[];
    expect(series).toHaveLength(3);
  });

  it('WADO-RS returns each instance with the same dataset as the file', async () => {
    const report: string[] = [];
    // transfer-syntax=* asks for the file as stored; without it, plugin >= 1.5 transcodes to Explicit VR LE (these files already are).
    const accepts = ['multipart/related; type="application/dicom"; transfer-syntax=*', 'multipart/related; type="application/dicom"'];
    for (const [i, f] of files.entries()) {
      const sop = uid(f, 'x00080018');
      for (const accept of accepts) {
        const r = await fetch(`${o!.dicomWebRoot}/studies/${studyUid}/series/${seriesUid}/instances/${sop}`, { headers: { Accept: accept } });
        expect(r.status).toBe(200);
        const parts = parseMultipart(new Uint8Array(await r.arrayBuffer()), r.headers.get('content-type')!);
        expect(parts).toHaveLength(1);
        const got = parts[0].body;
        const label = `${names[i]} [${accept.includes('*') ? 'transfer-syntax=*' : 'no transfer-syntax'}]`;
        if (Buffer.compare(got, f) === 0) {
          report.push(`${label}: byte-identical (${f.length} bytes)`);
          continue;
        }
        const a = splitPart10(f);
        const b = splitPart10(got);
        // The dataset (everything after group 0002) must be untouched; only the file meta may be rewritten.
        expect(Buffer.compare(got.subarray(b.datasetStart), f.subarray(a.datasetStart)), `${label}: dataset differs`).toBe(0);
        const diffs = [...new Set([...a.meta.keys(), ...b.meta.keys()])]
          .filter((t) => a.meta.get(t) !== b.meta.get(t))
          .map((t) => `(${t}) ${JSON.stringify(a.meta.get(t) ?? null)} → ${JSON.stringify(b.meta.get(t) ?? null)}`);
        const preamble = Buffer.compare(got.subarray(0, 128), f.subarray(0, 128)) === 0 ? '' : ', preamble differs';
        report.push(`${label}: ${f.length} → ${got.length} bytes, dataset identical, file meta differs${preamble}: ${diffs.join('; ') || '(same values; layout differs)'}`);
      }
    }
    console.info(`WADO-RS vs file:\n  ${report.join('\n  ')}`);
  });

  it('stop() ends Orthanc and frees its port', async () => {
    const port = Number(new URL(o!.baseUrl).port);
    await o!.stop();
    await expect(fetch(`${o!.baseUrl}/system`)).rejects.toThrow();
    expect(await portIsFree(port)).toBe(true);
    o = undefined;
  });
});
