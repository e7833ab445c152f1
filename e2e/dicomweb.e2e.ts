// A standard DICOMweb client (dicomweb-client, as OHIF uses it) against the production server:
// it lists and fetches the demo's studies, stores a JPEG-LS file and gets it back byte-identical,
// and the server decodes and renders it (the wasm codecs load under `next start`).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { api } from 'dicomweb-client';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { parseDicom } from '@/lib/dicom/parse';
import { SAMPLES_DIR } from '../tests/support/samples';

const base = inject('baseUrl');
const token = inject('clientToken');
const SAMPLE = path.join(SAMPLES_DIR ?? '/nonexistent', 'transfer-syntaxes', 'ctimage-512', 'CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm');

// The package's own type declarations mark optional options as required; this is what we call.
type Client = Record<'searchForStudies' | 'searchForSeries' | 'searchForInstances' | 'retrieveInstanceMetadata' | 'retrieveInstanceFrames' | 'retrieveInstance' | 'storeInstances', (o: object) => Promise<unknown>>;
let client: Client;
beforeAll(() => {
  // dicomweb-client speaks XMLHttpRequest; Node has none.
  (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = createRequire(import.meta.url)('xhr2');
  client = new api.DICOMwebClient({ url: `${base}/dicomweb`, headers: { Authorization: `Bearer ${token}` } } as never) as unknown as Client;
});

type Json = Record<string, { Value?: unknown[] }>;
const v = (o: Json, tag: string) => o[tag]?.Value?.[0] as string;

describe('dicomweb-client against /dicomweb', () => {
  it('searches studies, series and instances and fetches metadata and frames', async () => {
    const studies = (await client.searchForStudies({ queryParams: { limit: '5' } })) as Json[];
    expect(studies.length).toBeGreaterThan(0);
    const studyInstanceUID = v(studies[0], '0020000D');
    const series = (await client.searchForSeries({ studyInstanceUID })) as Json[];
    const seriesInstanceUID = v(series[0], '0020000E');
    const instances = (await client.searchForInstances({ studyInstanceUID, seriesInstanceUID })) as Json[];
    const sopInstanceUID = v(instances[0], '00080018');
    const meta = (await client.retrieveInstanceMetadata({ studyInstanceUID, seriesInstanceUID, sopInstanceUID })) as Json[];
    expect(v(meta[0], '00080018')).toBe(sopInstanceUID);
    const frames = (await client.retrieveInstanceFrames({ studyInstanceUID, seriesInstanceUID, sopInstanceUID, frameNumbers: [1] })) as ArrayBuffer[];
    expect(frames[0].byteLength).toBeGreaterThan(0);
    const file = (await client.retrieveInstance({ studyInstanceUID, seriesInstanceUID, sopInstanceUID })) as ArrayBuffer;
    expect(parseDicom(new Uint8Array(file)).sopInstanceUid).toBe(sopInstanceUID);
  });

  it.skipIf(!fs.existsSync(SAMPLE))('stores a JPEG-LS file, returns it byte-identical, decodes and renders it', async () => {
    const bytes = fs.readFileSync(SAMPLE);
    await client.storeInstances({ datasets: [bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)] }).catch((e: { request?: { status?: number; responseText?: string } }) => {
      throw new Error(`STOW failed: ${e.request?.status} ${e.request?.responseText?.slice(0, 300)}`);
    });
    const p = parseDicom(new Uint8Array(bytes));
    const ids = { studyInstanceUID: p.studyInstanceUid, seriesInstanceUID: p.seriesInstanceUid, sopInstanceUID: p.sopInstanceUid };
    const back = Buffer.from((await client.retrieveInstance(ids)) as ArrayBuffer);
    expect(Buffer.compare(back, bytes)).toBe(0);
    const url = `${base}/dicomweb/studies/${p.studyInstanceUid}/series/${p.seriesInstanceUid}/instances/${p.sopInstanceUid}`;
    const auth = { Authorization: `Bearer ${token}` };
    const native = await fetch(`${url}/frames/1`, { headers: { ...auth, accept: 'multipart/related; type="application/octet-stream"' } });
    expect(native.status).toBe(200);
    expect((await native.arrayBuffer()).byteLength).toBeGreaterThan(512 * 512 * 2);
    const jpeg = await fetch(`${url}/rendered`, { headers: { ...auth, accept: 'image/jpeg' } });
    expect(jpeg.status).toBe(200);
    expect(Buffer.from(await jpeg.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('refuses requests without a credential', async () => {
    expect((await fetch(`${base}/dicomweb/studies`)).status).toBe(401);
  });
});
