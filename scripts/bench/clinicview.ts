// Clinician page throughput with wrk (Debian): signed clinicview links rotating over the patients
// of a 10 000-patient region, then the record page those links open, on PostgreSQL.
//   DATABASE_URL=postgresql://…/db?options=-c%20search_path%3Dbench_cv npx tsx scripts/bench/clinicview.ts [--patients 10000] [--exams 50000] [--seconds 20] [--connections 16]
// Needs a production build (next build --webpack). Loads the region (bulk) when the schema is empty.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPii } from '../../lib/crypto/pii';
import { openDatabase } from '../../lib/db';
import { SEED_SEVS } from '../../lib/demo/spec-subjects';
import { buildIdcasLink, patientToken } from '../../lib/links/build';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const PATIENTS = arg('patients', 10_000);
const EXAMS = arg('exams', 50_000);
const SECONDS = arg('seconds', 20);
const CONNECTIONS = arg('connections', 16);
const LINKS = 3_000;
const root = path.resolve(import.meta.dirname, '..', '..');

function ensureWrk() {
  if (spawnSync('which', ['wrk']).status === 0) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const r = spawnSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), 'install', '-y', '--no-install-recommends', 'wrk'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error('could not install wrk (apt-get install wrk)');
}

async function startServer(port: number): Promise<ChildProcess> {
  const server = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: root, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return server;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  server.kill('SIGKILL');
  throw new Error('server did not start');
}

/** wrk with a Lua script cycling through request lines "path<TAB>cookie". */
function wrk(base: string, lines: string[], label: string): { rps: number; p50: string; p99: string; non2xx: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-wrk-'));
  fs.writeFileSync(path.join(dir, 'requests.txt'), lines.join('\n'));
  const lua = `
local reqs = {}
for line in io.lines("${path.join(dir, 'requests.txt')}") do
  local p, c = line:match("([^\\t]*)\\t?(.*)")
  reqs[#reqs + 1] = { path = p, cookie = c }
end
local i = 0
request = function()
  i = (i % #reqs) + 1
  local r = reqs[i]
  local h = {}
  if r.cookie ~= "" then h["Cookie"] = r.cookie end
  return wrk.format("GET", r.path, h)
end
`;
  fs.writeFileSync(path.join(dir, 'rotate.lua'), lua);
  const out = spawnSync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-s', path.join(dir, 'rotate.lua'), base], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  if (out.status !== 0) throw new Error(`wrk failed: ${out.stderr}`);
  const rps = Number(out.stdout.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  const p50 = out.stdout.match(/\s50%\s+(\S+)/)?.[1] ?? '?';
  const p99 = out.stdout.match(/\s99%\s+(\S+)/)?.[1] ?? '?';
  const non2xx = Number(out.stdout.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  console.log(`  ${label}: ${rps} req/s, p50 ${p50}, p99 ${p99}, non-2xx/3xx ${non2xx}`);
  return { rps, p50, p99, non2xx };
}

async function main() {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (PostgreSQL; a schema of its own via ?options=-c%20search_path%3Dbench_cv)');
  ensureWrk();
  const { prisma, sql } = await openDatabase();
  if ((await prisma.patient.count()) < PATIENTS) {
    console.log(`[bench] loading ${PATIENTS} patients and ${EXAMS} exams (bulk)`);
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/demo/bulk.ts', '--patients', String(PATIENTS), '--exams', String(EXAMS)], { cwd: root, stdio: 'inherit', env: process.env });
    if (r.status !== 0) throw new Error('bulk load failed');
  }
  const patients = await prisma.patient.findMany({ where: { idCardCipher: { not: null }, exams: { some: {} } }, select: { idCardCipher: true }, take: LINKS });
  const counts = await sql.query<{ p: number; e: number }>('select (select count(*)::int from "Patient") p, (select count(*)::int from "Exam") e');
  await prisma.$disconnect();
  await sql.close();

  const port = 3900 + Math.floor(Math.random() * 90);
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer(port);
  try {
    const links = patients.map((p) =>
      buildIdcasLink('', 'clinicview', { desKey: 'eWorldTomTaw#7=*', desIv: 'TomTaw#7', md5Key: 'TomtawMD5Key', sev: SEED_SEVS.clinicviewExample, token: patientToken({ work_no: '001', org_code: '2470', id_card_no: openPii(p.idCardCipher!) }), params: [['source', 'HIS'], ['nosearch', 'true']] }),
    );
    // Pages: open 300 links once to get sessions, then rotate over the pages with their cookies.
    const pages: string[] = [];
    for (const l of links.slice(0, 300)) {
      const res = await fetch(base + l, { redirect: 'manual' });
      const cookie = res.headers.get('set-cookie')?.split(';')[0];
      if (res.status !== 303 || !cookie) throw new Error(`link refused: ${res.status}`);
      pages.push(`${res.headers.get('location')}\t${cookie}`);
    }
    console.log(`[bench] ${counts[0].p} patients, ${counts[0].e} exams; ${links.length} links; wrk -t2 -c${CONNECTIONS} -d${SECONDS}s`);
    await fetch(base + pages[0].split('\t')[0], { headers: { cookie: pages[0].split('\t')[1] } }); // warm the page
    const open = wrk(base, links.map((l) => `${l}\t`), 'open a signed clinicview link (verify + find patient + session + 303)');
    const page = wrk(base, pages, 'render /clinician/patient for that session (record timeline, SSR)');
    // Peer measured in the same run: the same server answering its health route (no crypto; two small queries and a file-store probe).
    const bare = wrk(base, ['/api/health\t'], 'peer: /api/health on the same server');
    console.log('\n| request | req/s | p50 | p99 | ratio to /api/health |\n| --- | ---: | ---: | ---: | ---: |');
    for (const [name, r] of [['signed link → session → 303', open], ['record page (SSR)', page], ['/api/health (peer)', bare]] as const)
      console.log(`| ${name} | ${r.rps} | ${r.p50} | ${r.p99} | ${(r.rps / bare.rps).toFixed(2)} |`);
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(`[bench] ${(e as Error).message}`);
  process.exit(1);
});
