// A private Orthanc (Debian package + DICOMweb plugin) that tests and benchmarks start and stop themselves.
//   npx tsx scripts/orthanc.ts start [--port 8043]    prints the URLs and runs until Ctrl-C
//   npx tsx scripts/orthanc.ts install                 only makes sure the packages are there
import { contentTypeParam, parseMultipart as splitMultipart, type Part } from '../lib/dicom/multipart';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Orthanc {
  baseUrl: string /* http://127.0.0.1:<port> */;
  dicomWebRoot: string /* `${baseUrl}/dicom-web` */;
  stop(): Promise<void>;
}

const PLUGIN = 'libOrthancDicomWeb.so';

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}${err && code === -1 ? `\n${err.message}` : ''}` });
    });
  });
}

/** The Orthanc binary: Debian puts it in /usr/sbin, which a non-root PATH often lacks. */
function orthancBinary(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];
  for (const d of dirs) if (d && existsSync(path.join(d, 'Orthanc'))) return path.join(d, 'Orthanc');
  return null;
}

/** Path of the DICOMweb plugin as the package lists it (`dpkg -L orthanc-dicomweb`). */
async function dicomWebPlugin(): Promise<string | null> {
  const { code, out } = await run('dpkg', ['-L', 'orthanc-dicomweb'], 30_000);
  if (code !== 0) return null;
  const hits = out.split('\n').map((l) => l.trim()).filter((l) => path.basename(l).startsWith(PLUGIN) && existsSync(l));
  // Prefer the plugins-dir entry (what the packaged config loads), else the versioned library itself.
  return hits.find((l) => l.includes('/plugins/')) ?? hits[0] ?? null;
}

export async function ensureOrthancInstalled(): Promise<void> {
  if (orthancBinary() && (await dicomWebPlugin())) return;
  const deadline = Date.now() + 600_000;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n']; // -n: fail fast rather than wait for a password
  const apt = async (...args: string[]) => {
    // env(1) rather than our environment: sudo resets it. Lock::Timeout waits for a concurrent apt/dpkg.
    const argv = [...sudo, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', ...args];
    const left = deadline - Date.now();
    if (left <= 0) return { code: -1, out: 'apt-get: 600 s limit reached' };
    return run(argv[0], argv.slice(1), left);
  };
  const install = () => apt('install', '-y', '--no-install-recommends', 'orthanc', 'orthanc-dicomweb');
  let r = await install();
  if (r.code !== 0) {
    // Usually stale package lists (404 on a superseded .deb): refresh once and retry.
    const u = await apt('update');
    r = u.code === 0 ? await install() : u;
  }
  if (r.code !== 0) throw new Error(`Installing orthanc + orthanc-dicomweb failed (exit ${r.code}):\n${r.out.slice(-4000)}`);
  if (!orthancBinary()) throw new Error('orthanc installed, but no Orthanc binary found in PATH or /usr/sbin');
  if (!(await dicomWebPlugin())) throw new Error(`orthanc-dicomweb installed, but dpkg -L lists no existing ${PLUGIN}`);
}

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

// Kill every instance still running when this process exits (a crashed test must not leave Orthancs behind).
// Only 'exit' is hooked: a CLI that wants this on Ctrl-C should turn SIGINT into process.exit().
const live = new Map<ChildProcess, string /* temp dir */>();
process.on('exit', () => {
  for (const [c, dir] of live) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

export async function startOrthanc(opts: { port?: number; storageDir?: string } = {}): Promise<Orthanc> {
  const bin = orthancBinary();
  const plugin = await dicomWebPlugin();
  if (!bin || !plugin) throw new Error('Orthanc or its DICOMweb plugin is not installed: call ensureOrthancInstalled() first');
  // A port picked by us can be taken between freePort() and Orthanc's bind: retry with a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(bin, plugin, opts.port ?? (await freePort()), opts.storageDir);
    } catch (e) {
      if (opts.port !== undefined || attempt >= 3 || !/bind|in use/i.test(String(e))) throw e;
    }
  }
}

async function launch(bin: string, plugin: string, port: number, storageDir?: string): Promise<Orthanc> {
  const dir = await mkdtemp(path.join(tmpdir(), 'yy-orthanc-'));
  const storage = storageDir ?? path.join(dir, 'db');
  const config = {
    Name: `yingyun-test-${port}`,
    HttpPort: port,
    RemoteAccessAllowed: false, // loopback only (Orthanc still binds all interfaces, but refuses remote peers)
    AuthenticationEnabled: false,
    DicomServerEnabled: false, // no DIMSE listener at all, so nothing collides with the packaged service's 4242
    DicomPort: await freePort(), // only used if an older Orthanc ignores DicomServerEnabled
    StorageDirectory: storage,
    IndexDirectory: storage,
    // One civetweb thread per keep-alive connection: the default 50 would queue a 64-client benchmark.
    HttpThreadsCount: 128,
    Plugins: [plugin],
    DicomWeb: {
      Enable: true,
      Root: '/dicom-web/',
      EnableWado: true,
      WadoRoot: '/wado',
      Ssl: false,
      StudiesMetadata: 'Full',
      SeriesMetadata: 'Full',
    },
  };
  const configPath = path.join(dir, 'orthanc.json');
  const logPath = path.join(dir, 'orthanc.log');
  await writeFile(configPath, JSON.stringify(config, null, 2));

  // detached: own process group, so stop() can kill Orthanc and anything it forks with one signal.
  const child = spawn(bin, [configPath], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.set(child, dir);
  let log = '';
  const keep = (b: Buffer) => {
    log = (log + b.toString()).slice(-64_000);
    void appendFile(logPath, b).catch(() => {});
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, sig) => {
      exited = `exited with ${sig ?? code}`;
      live.delete(child);
      resolve();
    });
    child.on('error', (e) => {
      exited = `failed to spawn: ${e.message}`;
      live.delete(child);
      resolve();
    });
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      if (!exited) {
        try {
          process.kill(-child.pid!, 'SIGTERM'); // Orthanc shuts down cleanly on SIGTERM
        } catch {
          // already gone
        }
        const hard = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 10_000);
        await exit;
        clearTimeout(hard);
      }
      await rm(dir, { recursive: true, force: true });
    })());

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) break;
    try {
      const r = await fetch(`${baseUrl}/system`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) {
        const system = (await r.json()) as { Name?: string };
        if (system.Name === config.Name) return { baseUrl, dicomWebRoot: `${baseUrl}/dicom-web`, stop };
        // Someone else answers on this port: ours failed to bind.
        exited ??= `port ${port} is in use by another server (${system.Name})`;
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const why = exited ?? 'did not answer GET /system within 30 s';
  await stop();
  throw new Error(`Orthanc on port ${port} ${why}. Log tail:\n${log.split('\n').slice(-30).join('\n')}`);
}

/** Stores each file with POST /instances (Orthanc's REST API); "AlreadyStored" counts as success. */
export async function storeInOrthanc(o: Orthanc, files: Uint8Array[]): Promise<void> {
  for (const [i, f] of files.entries()) {
    const r = await fetch(`${o.baseUrl}/instances`, { method: 'POST', headers: { 'Content-Type': 'application/dicom' }, body: f as Uint8Array<ArrayBuffer> });
    const text = await r.text();
    if (!r.ok) throw new Error(`POST /instances (file ${i}, ${f.length} bytes) → ${r.status}: ${text.slice(0, 500)}`);
  }
}

export { multipartRelated } from '../lib/dicom/multipart';

/** Splits a multipart response on the boundary named in its Content-Type. */
export function parseMultipart(body: Uint8Array, contentType: string): Part[] {
  return splitMultipart(body, contentTypeParam(contentType, 'boundary') ?? '');
}

// CLI
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [cmd, ...rest] = process.argv.slice(2);
  const portArg = rest.indexOf('--port');
  const main = async () => {
    const t0 = performance.now();
    await ensureOrthancInstalled();
    if (cmd === 'install') return console.log(`Orthanc installed (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    if (cmd !== 'start') throw new Error('usage: npx tsx scripts/orthanc.ts start [--port N] | install');
    const o = await startOrthanc({ port: portArg >= 0 ? Number(rest[portArg + 1]) : undefined });
    console.log(`Orthanc: ${o.baseUrl}\nDICOMweb: ${o.dicomWebRoot}\n(Ctrl-C stops it and deletes its storage)`);
    const quit = () => void o.stop().then(() => process.exit(0));
    process.on('SIGINT', quit);
    process.on('SIGTERM', quit);
  };
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
