// A small pool of worker threads for CPU-heavy DICOM work (lib/dicom/tasks.ts), so that parsing,
// checking and decoding never hold up the event loop and other requests keep their answers coming.
// Workers start on first use, run one task at a time, and do not keep the process alive when idle.
// A worker that dies or overruns its time is replaced; its task fails with a reason.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'worker_threads';
import { config } from '../config';
import { DicomParseError, InstanceTooLargeError, type KnownUids } from './parse';
import { PixelDataError } from './pixels';
import type { TaskName, Tasks } from './tasks';
import type { ReplyMessage, TaskMessage } from './worker';

interface Job {
  id: number;
  name: TaskName;
  args: unknown;
  timeoutMs: number;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}
interface Slot {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
}

/** Longest a task may run before its worker is stopped. */
const TIMEOUT_MS: Record<TaskName, number> = { inspect: 300_000, identify: 60_000, frames: 60_000, render: 60_000, bulk: 60_000 };

/** A worker's JavaScript heap (decoded frames live outside it, in array buffers). */
const LIMITS = { maxOldGenerationSizeMb: 1024 };

const size = () => config.dicomWorkers || Math.min(4, Math.max(2, os.availableParallelism() - 1));
const slots: Slot[] = [];
const queue: Job[] = [];
let nextId = 1;

function start(): Worker {
  // Under Next.js the worker is bundled (webpack understands this form). Elsewhere (tests, scripts) it
  // runs from its TypeScript source, loaded through tsx.
  if (process.env.NEXT_RUNTIME) return new Worker(new URL('./worker.ts', import.meta.url), { resourceLimits: LIMITS });
  const source = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts')).href;
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true, resourceLimits: LIMITS });
}

function spawn(): Slot {
  const slot: Slot = { worker: start() };
  slot.worker.unref();
  slot.worker.on('message', (m: ReplyMessage) => {
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    finish(slot);
    if (m.ok) job.resolve(m.result);
    else job.reject(rebuild(m.error));
  });
  const died = (why: string) => {
    const job = slot.job;
    drop(slot);
    if (slot.timer) clearTimeout(slot.timer);
    job?.reject(new PixelDataError(`the worker stopped while running ${job.name}: ${why}`));
    pump();
  };
  slot.worker.on('error', (e) => died(e.message));
  slot.worker.on('exit', (code) => {
    if (slots.includes(slot)) died(`exit code ${code}`);
  });
  slots.push(slot);
  return slot;
}

function drop(slot: Slot) {
  const i = slots.indexOf(slot);
  if (i >= 0) slots.splice(i, 1);
}

function finish(slot: Slot) {
  if (slot.timer) clearTimeout(slot.timer);
  slot.job = slot.timer = undefined;
  slot.worker.unref();
  setImmediate(pump);
}

function pump() {
  while (queue.length) {
    const slot = slots.find((s) => !s.job) ?? (slots.length < size() ? spawn() : undefined);
    if (!slot) return;
    const job = queue.shift()!;
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      drop(slot);
      void slot.worker.terminate();
      job.reject(new PixelDataError(`${job.name} did not finish within ${job.timeoutMs / 1000} s`));
      pump();
    }, job.timeoutMs);
    slot.worker.postMessage({ id: job.id, name: job.name, args: job.args } satisfies TaskMessage);
  }
}

/** The worker's error as the class the callers know (a refusal of the file, undecodable pixels, a missing file). */
function rebuild(e: { name: string; message: string; code?: string; uids?: unknown }): Error {
  if (e.name === 'InstanceTooLargeError') return new InstanceTooLargeError(e.message, e.uids as KnownUids);
  if (e.name === 'DicomParseError') return new DicomParseError(e.message, e.uids as KnownUids);
  if (e.code === 'ENOENT') return Object.assign(new Error(e.message), { code: e.code });
  if (e.name === 'PixelDataError' || e.name === 'DatasetTooLargeError') return new PixelDataError(e.message);
  return new Error(`${e.name}: ${e.message}`);
}

/** Runs a task in a worker thread. */
export function runTask<K extends TaskName>(name: K, args: Tasks[K]['args']): Promise<Tasks[K]['result']> {
  return new Promise((resolve, reject) => {
    queue.push({ id: nextId++, name, args, timeoutMs: TIMEOUT_MS[name], resolve: resolve as (v: unknown) => void, reject });
    pump();
  });
}
