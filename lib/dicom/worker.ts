// Entry of a DICOM worker thread (started by lib/dicom/workers.ts): runs one task at a time and
// answers with its result or a plain description of its error.
import { parentPort } from 'node:worker_threads';
import { tasks, type TaskName } from './tasks';

export interface TaskMessage {
  id: number;
  name: TaskName;
  args: unknown;
}
export type ReplyMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { name: string; message: string; code?: string; uids?: unknown } };

/**
 * Byte arrays go back by transfer. A view into a larger buffer (a frame inside its file) is copied
 * first: structured cloning would copy, and transferring would hand over, the whole buffer.
 */
function owned(v: unknown, transfer: ArrayBuffer[], depth = 0): unknown {
  if (v instanceof Uint8Array) {
    const own = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.buffer instanceof ArrayBuffer && !transfer.includes(v.buffer) ? v : new Uint8Array(v);
    transfer.push(own.buffer as ArrayBuffer);
    return own;
  }
  if (depth > 0) return v; // results hold byte arrays at the top or one level down (a list of frames, an image)
  if (Array.isArray(v)) return v.map((x) => owned(x, transfer, 1));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, owned(x, transfer, 1)]));
  return v;
}

parentPort!.on('message', async ({ id, name, args }: TaskMessage) => {
  try {
    const transfer: ArrayBuffer[] = [];
    const result = owned(await (tasks[name] as (a: unknown) => Promise<unknown>)(args), transfer);
    parentPort!.postMessage({ id, ok: true, result } satisfies ReplyMessage, transfer);
  } catch (e) {
    const err = e as Error & { code?: string; uids?: unknown };
    parentPort!.postMessage({ id, ok: false, error: { name: err.name ?? 'Error', message: err.message ?? String(e), code: err.code, uids: err.uids } } satisfies ReplyMessage);
  }
});
