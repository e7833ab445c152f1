// Does a large request body stall the server? Sends a 50 MB JSON body to the dialect APIs (no
// credentials, and with a known Neijiang accessKey but a wrong sign) while /api/health is asked every
// 25 ms, and prints how long the upload was answered in and how slow health got meanwhile.
//   npx tsx scripts/bench/body-stall.ts --base http://127.0.0.1:3000 [--mb 50]
// Run it against `next start` of a demo region (the accessKey is the demo's for hospital 2470).
// Client and server share the machine's cores: compare runs made the same way, not absolute numbers.
import http from 'node:http';
import { neijiangKeysFor } from '../demo/clients';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const base = arg('base');
const MB = Number(arg('mb') ?? 50);
if (!base || !(MB > 0)) {
  console.error('usage: npx tsx scripts/bench/body-stall.ts --base http://127.0.0.1:3000 [--mb 50]');
  process.exit(2);
}

const known = { accessKey: neijiangKeysFor('2470').accessKey, sign: '0'.repeat(32) };
const CASES: [string, string, Record<string, string>, boolean][] = [
  ['501 list, no credentials', '/open/smr/studies', {}, false],
  ['502 mark, no credentials', '/open/smr/study/E1/smrMark', {}, false],
  ['501 list, known accessKey, wrong sign', '/open/smr/studies', known, false],
  ['501 list, known accessKey, wrong sign, chunked', '/open/smr/studies', known, true],
  ['IDCAS R2, no token', '/api-idcas/observations/recognition', {}, false],
];

/**
 * POST `mb` megabytes of one JSON object as fast as the socket takes them, with Content-Length or
 * chunked; resolves with the status, the first bytes of the answer and the milliseconds it took.
 */
function upload(path: string, headers: Record<string, string>, mb: number, chunked: boolean): Promise<{ status: number; body: string; ms: number }> {
  const total = mb * 1024 * 1024;
  const head = Buffer.from('{"hospitalCode":"2470","pad":"');
  const tail = Buffer.from('"}');
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(new URL(path, base), { method: 'POST', headers: { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(total) }), ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.slice(0, 80), ms: performance.now() - t0 }));
    });
    // A server that answers early may close the connection while we still write: that is an answer, not a failure.
    req.on('error', (e) => (answered ? undefined : reject(e)));
    req.on('response', () => (answered = true));
    let sent = 0;
    const pump = () => {
      while (sent < total && !answered) {
        const n = Math.min(chunk.length, total - sent);
        const piece = sent === 0 ? Buffer.concat([head, chunk.subarray(head.length, n)]) : sent + n === total ? Buffer.concat([chunk.subarray(0, n - tail.length), tail]) : chunk.subarray(0, n);
        sent += n;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

async function healthWhile<T>(work: Promise<T>): Promise<{ result: T; latencies: number[] }> {
  const latencies: number[] = [];
  let done = false;
  const probe = (async () => {
    while (!done) {
      const t = performance.now();
      const ok = await fetch(`${base}/api/health`).then((r) => r.arrayBuffer().then(() => r.ok), () => false);
      latencies.push(ok ? performance.now() - t : Infinity); // a failed probe counts as unbounded
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const result = await work;
  done = true;
  await probe;
  return { result, latencies };
}

const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);

const idle = await healthWhile(new Promise((r) => setTimeout(r, 2000)));
console.log(`/api/health idle: median ${pct(idle.latencies, 50).toFixed(0)} ms, max ${Math.max(...idle.latencies).toFixed(0)} ms`);
console.log(`| ${MB} MB body to | answer | answered in | /api/health median | p95 | max |`);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [name, path, headers, chunked] of CASES) {
  const { result, latencies } = await healthWhile(upload(path, headers, MB, chunked));
  console.log(`| ${name} | ${result.status} ${result.body.replace(/\|/g, '/')} | ${result.ms.toFixed(0)} ms | ${pct(latencies, 50).toFixed(0)} ms | ${pct(latencies, 95).toFixed(0)} ms | ${Math.max(...latencies).toFixed(0)} ms |`);
}
