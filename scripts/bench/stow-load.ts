// What a large or hostile STOW-RS request costs a running server: its memory (RSS of the server's
// process tree, sampled every 100 ms) and how fast it still answers GET /api/health (polled every
// 100 ms) while the request is stored.
//   npx tsx scripts/bench/stow-load.ts --base http://127.0.0.1:3000 --pid <server pid> --token T --case bomb
//   npx tsx scripts/bench/stow-load.ts --base … --pid … --database-url postgresql://… --case multiframe [--count 7] [--frames 300]
// --case bomb        one deflated instance (about 1 MB) whose dataset inflates to 1 GiB
// --case multiframe  --count instances of 512×512×16-bit × --frames frames (300 → 150 MiB each) in one request
// --token, or --database-url of the server's database to make an IDCAS client and token for hospital BENCH.
// --probe PATH polls another path instead of /api/health (e.g. /dicomweb/studies without a token: a 401
// that touches neither the database nor the disk, so it shows the event loop alone).
// The files are generated once into $TMPDIR/yingyun-stow-load and streamed from disk.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createDeflateRaw } from 'node:zlib';

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const base = arg('--base')?.replace(/\/+$/, '');
const pid = Number(arg('--pid'));
const which = arg('--case');
if (!base || !pid || (which !== 'bomb' && which !== 'multiframe')) {
  console.error('usage: npx tsx scripts/bench/stow-load.ts --base URL --pid PID (--token T | --database-url URL) --case bomb|multiframe [--count N] [--frames N]');
  process.exit(2);
}

// ---------------------------------------------------------------- a minimal Part-10 writer
const uid = () => `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString()}`;
function el(tag: number, vr: string, value: string | number[] | Buffer, length?: number): Buffer {
  let v = typeof value === 'string' ? Buffer.from(value, 'latin1') : Array.isArray(value) ? Buffer.from(new Uint16Array(value).buffer) : value;
  if (v.length % 2) v = Buffer.concat([v, Buffer.from([vr === 'UI' ? 0 : 0x20])]);
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
  const h = Buffer.alloc(long ? 12 : 8);
  h.writeUInt16LE(tag >>> 16, 0);
  h.writeUInt16LE(tag & 0xffff, 2);
  h.write(vr, 4, 'latin1');
  if (long) h.writeUInt32LE(length ?? v.length, 8);
  else h.writeUInt16LE(v.length, 6);
  return length === undefined ? Buffer.concat([h, v]) : h;
}
function meta(ts: string, sop: string): Buffer {
  const body = Buffer.concat([el(0x00020001, 'OB', Buffer.from([0, 1])), el(0x00020002, 'UI', '1.2.840.10008.5.1.4.1.1.2'), el(0x00020003, 'UI', sop), el(0x00020010, 'UI', ts)]);
  const gl = Buffer.alloc(4);
  gl.writeUInt32LE(body.length);
  const pre = Buffer.alloc(132);
  pre.write('DICM', 128, 'latin1');
  return Buffer.concat([pre, el(0x00020000, 'UL', gl), body]);
}
function dataset(sop: string, study: string, rows: number, cols: number, frames: number, pixelBytes: number): Buffer {
  return Buffer.concat([
    el(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    el(0x00080018, 'UI', sop),
    el(0x00080060, 'CS', 'CT'),
    el(0x00100020, 'LO', 'STOW-LOAD'),
    el(0x0020000d, 'UI', study),
    el(0x0020000e, 'UI', uid()),
    el(0x00280002, 'US', [1]),
    el(0x00280004, 'CS', 'MONOCHROME2'),
    el(0x00280008, 'IS', String(frames)),
    el(0x00280010, 'US', [rows]),
    el(0x00280011, 'US', [cols]),
    el(0x00280100, 'US', [16]),
    el(0x00280101, 'US', [12]),
    el(0x00280102, 'US', [11]),
    el(0x00280103, 'US', [0]),
    el(0x7fe00010, 'OW', Buffer.alloc(0), pixelBytes),
  ]);
}

const dir = path.join(os.tmpdir(), 'yingyun-stow-load');
fs.mkdirSync(dir, { recursive: true });

/** 1 GiB of zero pixel data behind a deflated header: about 1 MB on the wire. */
async function bomb(): Promise<string> {
  const file = path.join(dir, 'bomb-1GiB.dcm');
  if (fs.existsSync(file)) return file;
  const sop = uid(), size = 2 ** 30;
  const head = dataset(sop, uid(), 16384, 16384, 2, size);
  const out = fs.createWriteStream(`${file}.tmp`);
  out.write(meta('1.2.840.10008.1.2.1.99', sop));
  const zero = Buffer.alloc(1 << 20);
  await pipeline(
    (function* () {
      yield head;
      for (let i = 0; i < size / zero.length; i++) yield zero;
    })(),
    createDeflateRaw({ level: 9 }),
    out,
  );
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** A multi-frame CT of 512×512×16 bits × frames, pixel data a moving ramp (does not compress away). */
async function multiframe(n: number, frames: number, study: string): Promise<string> {
  const file = path.join(dir, `multiframe-${frames}-${n}.dcm`);
  const sop = uid();
  const frame = 512 * 512 * 2;
  const out = fs.createWriteStream(file);
  await pipeline(
    (function* () {
      yield Buffer.concat([meta('1.2.840.10008.1.2.1', sop), dataset(sop, study, 512, 512, frames, frame * frames)]);
      for (let f = 0; f < frames; f++) {
        const b = Buffer.alloc(frame);
        for (let i = 0; i < frame / 2; i++) b.writeUInt16LE((i + f * 7 + n) & 0xfff, 2 * i);
        yield b;
      }
    })(),
    out,
  );
  return file;
}

// ---------------------------------------------------------------- measuring
function rssOfTree(root: number): number {
  const children = new Map<number, number[]>();
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
    } catch {
      /* gone */
    }
  }
  let total = 0;
  for (const todo = [root]; todo.length; ) {
    const p = todo.pop()!;
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      /* gone */
    }
    todo.push(...(children.get(p) ?? []));
  }
  return total;
}

async function token(): Promise<string> {
  const given = arg('--token');
  if (given) return given;
  const url = arg('--database-url') ?? process.env.DATABASE_URL;
  if (!url) throw new Error('--token or --database-url is needed');
  process.env.DATABASE_URL = url;
  const { openDatabase } = await import('../../lib/db');
  const { saveClient } = await import('../../lib/links/clients');
  const { issueAccessToken } = await import('../../lib/links/issue');
  const { prisma, sql } = await openDatabase();
  try {
    await prisma.organization.upsert({ where: { code: 'BENCH' }, update: {}, create: { code: 'BENCH', name: '压力测试' } });
    if (!(await prisma.integrationClient.findFirst({ where: { clientKey: 'bench-stow' } }))) {
      await saveClient(prisma, { dialect: 'IDCAS', clientKey: 'bench-stow', orgCodes: ['BENCH'], desKey: 'k', desIv: '12345678', md5Key: 'm' });
    }
    return (await issueAccessToken(prisma, 'BENCH', 'bench-stow', ['dicomweb-read', 'dicomweb-write'])).token;
  } finally {
    await prisma.$disconnect();
    await sql.close();
  }
}

/** POSTs the files as one multipart/related body streamed from disk; resolves with the status and answer. */
function stow(files: string[], bearer: string): Promise<{ status: number; body: string }> {
  const boundary = `stow-load-${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`);
  const close = Buffer.from(`--${boundary}--\r\n`);
  const length = files.reduce((n, f) => n + head.length + fs.statSync(f).size + 2, close.length);
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/dicomweb/studies`, {
      method: 'POST',
      headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`, 'content-length': length, authorization: `Bearer ${bearer}` },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    (async () => {
      for (const f of files) {
        req.write(head);
        for await (const chunk of fs.createReadStream(f)) if (!req.write(chunk)) await once(req, 'drain');
        req.write('\r\n');
      }
      req.end(close);
    })().catch(reject);
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
const probe = arg('--probe') ?? '/api/health';

async function main() {
  const bearer = await token();
  let files: string[];
  if (which === 'bomb') files = [await bomb()];
  else {
    const count = Number(arg('--count') ?? 7), frames = Number(arg('--frames') ?? 300), study = uid();
    files = [];
    for (let i = 0; i < count; i++) files.push(await multiframe(i, frames, study));
  }
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log(`[stow-load] ${which}: ${files.length} file(s), ${mb(bytes)} on the wire`);

  const idle = rssOfTree(pid);
  let peak = idle, done = false;
  const latencies: number[] = [];
  const sampler = setInterval(() => (peak = Math.max(peak, rssOfTree(pid))), 100);
  const poll = (async () => {
    while (!done) {
      const t0 = performance.now();
      await fetch(`${base}${probe}`).then((r) => r.arrayBuffer()).catch(() => undefined);
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - t0))));
    }
  })();
  const t0 = performance.now();
  const res = await stow(files, bearer);
  const seconds = (performance.now() - t0) / 1000;
  done = true;
  await poll;
  clearInterval(sampler);
  peak = Math.max(peak, rssOfTree(pid));
  console.log(`[stow-load] STOW answered ${res.status} after ${seconds.toFixed(1)} s (${(bytes / 2 ** 20 / seconds).toFixed(0)} MB/s): ${res.body.slice(0, 300)}`);
  console.log(`[stow-load] RSS of the server: ${mb(idle)} before, peak ${mb(peak)} (+${mb(peak - idle)})`);
  console.log(`[stow-load] ${probe} while storing: ${latencies.length} polls, p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);
}

main().catch((e) => {
  console.error(`[stow-load] ${(e as Error).stack ?? e}`);
  process.exit(1);
});
