// The blob store: DICOM and report bytes, addressed by key. Local files by default.
// A put is atomic: the bytes go to a temporary name, are fsynced, then renamed into place and
// the folder is fsynced, so a reader never sees half a file under its real name.
// For bytes that must appear together with a database row, `stage` writes them to the incoming
// folder first: the caller commits its row, then moves the file into place. After a crash,
// `recoverIncoming` finishes the move for files whose row exists and deletes the others, so a
// row never lacks its file and no file outlives a failed write.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { config } from '../config';

export interface StagedBlob {
  key: string;
  size: number;
  sha256: string;
  /** Moves the bytes to their key (after the row that names them is committed). */
  commit(): Promise<void>;
  /** Drops the bytes (the row was not written). */
  abort(): Promise<void>;
}

/** A file received into the incoming folder (see FileBlobStore.receive), complete and fsynced. */
export interface ReceivedFile {
  path: string;
  size: number;
  sha256: string;
}

export interface BlobStore {
  put(key: string, bytes: Uint8Array): Promise<{ size: number; sha256: string }>;
  stage(key: string, bytes: Uint8Array): Promise<StagedBlob>;
  /** Stages a received file under its key (the file is moved, not copied). */
  stageFile(key: string, file: ReceivedFile): Promise<StagedBlob>;
  get(key: string): Promise<Buffer | null>;
  stream(key: string): fs.ReadStream | null;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Where the bytes live, for health reports. */
  describe(): string;
}

const KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

export function checkKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((p) => p === '.' || p === '..')) throw new Error(`invalid blob key: ${key}`);
  return key;
}

export interface RecoveryReport {
  /** Moved into place: their row had committed. */
  committed: number;
  /** Deleted: no row names them. */
  dropped: number;
  /** Left alone: younger than the grace period (a write may still be in progress). */
  young: number;
  /** Gone before we got to them: another process's recovery handled them. */
  vanished: number;
  /** Could not be handled (reported one by one); tried again by the next sweep. */
  failed: number;
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'ENOENT';
const exists = (file: string) => fsp.access(file).then(() => true, () => false);

async function fsyncDir(dir: string) {
  const h = await fsp.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

export class FileBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  private file(key: string) {
    return path.join(this.root, checkKey(key));
  }

  private get incoming() {
    return path.join(this.root, '.incoming');
  }

  /** Writes and fsyncs a new file; removes it again if writing fails. */
  private async writeNew(file: string, bytes: Uint8Array): Promise<void> {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const h = await fsp.open(file, 'wx');
    try {
      await h.writeFile(bytes);
      await h.sync();
    } catch (e) {
      await h.close();
      await fsp.rm(file, { force: true });
      throw e;
    }
    await h.close();
  }

  /**
   * The staged file is already durable; if the rename is lost in a crash the file is still in
   * the incoming folder and recovery finishes the move, so the folder need not be fsynced here.
   */
  private async moveInto(tmp: string, key: string): Promise<void> {
    const target = this.file(key);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.rename(tmp, target);
  }

  /** Stores bytes that no row depends on (or whose row is written afterwards and may be missing). */
  async put(key: string, bytes: Uint8Array) {
    const staged = await this.stage(key, bytes);
    await staged.commit();
    return { size: staged.size, sha256: staged.sha256 };
  }

  async stage(key: string, bytes: Uint8Array): Promise<StagedBlob> {
    checkKey(key);
    // The key is kept in the name so recovery knows where the file belongs.
    const tmp = path.join(this.incoming, `${key.replace(/\//g, '!')}~${randomBytes(6).toString('hex')}`);
    await this.writeNew(tmp, bytes);
    await fsyncDir(this.incoming);
    return {
      key,
      size: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      commit: () => this.moveInto(tmp, key),
      abort: () => fsp.rm(tmp, { force: true }),
    };
  }

  /**
   * A new file in the incoming folder, written chunk by chunk and hashed as it is written (a STOW part
   * as it arrives). Its name encodes no key, so until it is staged recovery treats it as unreferenced.
   */
  async receive(): Promise<IncomingFile> {
    await fsp.mkdir(this.incoming, { recursive: true });
    const file = path.join(this.incoming, `~receiving~${randomBytes(6).toString('hex')}`);
    return new IncomingFile(file, await fsp.open(file, 'wx'));
  }

  async stageFile(key: string, file: ReceivedFile): Promise<StagedBlob> {
    checkKey(key);
    const tmp = path.join(this.incoming, `${key.replace(/\//g, '!')}~${randomBytes(6).toString('hex')}`);
    await fsp.rename(file.path, tmp);
    // Young again: recovery leaves a staged file alone while it is younger than the grace period.
    const now = new Date();
    await fsp.utimes(tmp, now, now);
    await fsyncDir(this.incoming);
    return { key, size: file.size, sha256: file.sha256, commit: () => this.moveInto(tmp, key), abort: () => fsp.rm(tmp, { force: true }) };
  }

  /** Where a stored blob's file is (worker threads read it themselves). */
  pathOf(key: string): string {
    return this.file(key);
  }

  /**
   * After a crash: staged files whose key is referenced (`isReferenced`) move into place, the rest go.
   * Safe with several processes on one store (app nodes, the demo loader beside a server):
   * - only files older than `graceMs` are touched. A writer stages, commits its row, then moves its
   *   file; a younger file may be that write in progress, in this or another process. (Claiming files
   *   by renaming them would not protect it: the writer's own move would then fail after its commit.)
   *   A crash's files are therefore finished by a later sweep, once they are old enough.
   * - each step is one atomic rename or unlink, and a file that vanished meanwhile (ENOENT) was
   *   handled by another recovery, so two at once handle every file exactly once and neither fails.
   * - a problem with one file goes to `onProblem` and the others continue.
   */
  async recoverIncoming(
    isReferenced: (key: string) => Promise<boolean>,
    opts: { graceMs: number; onProblem?: (file: string, error: Error) => void },
  ): Promise<RecoveryReport> {
    const report: RecoveryReport = { committed: 0, dropped: 0, young: 0, vanished: 0, failed: 0 };
    let names: string[];
    try {
      names = await fsp.readdir(this.incoming);
    } catch (e) {
      if (isMissing(e)) return report;
      throw e;
    }
    const before = Date.now() - opts.graceMs;
    for (const name of names) {
      const tmp = path.join(this.incoming, name);
      try {
        const st = await fsp.lstat(tmp);
        if (!st.isFile()) continue;
        if (st.mtimeMs > before) {
          report.young++;
          continue;
        }
        const key = name.replace(/~[0-9a-f]{12}$/, '').replace(/!/g, '/');
        if (KEY.test(key) && (await isReferenced(key))) {
          await this.moveInto(tmp, key);
          report.committed++;
        } else {
          await fsp.unlink(tmp);
          report.dropped++;
        }
      } catch (e) {
        if (isMissing(e) && !(await exists(tmp))) report.vanished++;
        else {
          report.failed++;
          opts.onProblem?.(tmp, e as Error);
        }
      }
    }
    return report;
  }

  async get(key: string) {
    try {
      return await fsp.readFile(this.file(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  stream(key: string) {
    const f = this.file(key);
    return fs.existsSync(f) ? fs.createReadStream(f) : null;
  }

  async has(key: string) {
    return fs.existsSync(this.file(key));
  }

  async delete(key: string) {
    await fsp.rm(this.file(key), { force: true });
  }

  describe() {
    return `file:${this.root}`;
  }

  /** Writes and removes a probe file: is the store writable? */
  async probe(): Promise<void> {
    const key = `.health/${randomBytes(4).toString('hex')}`;
    await this.put(key, Buffer.from('ok'));
    await this.delete(key);
  }
}

/** A file being written into the incoming folder; sha256 and size are taken as it is written. */
export class IncomingFile {
  private readonly hash = createHash('sha256');
  size = 0;
  constructor(
    readonly path: string,
    private readonly handle: fsp.FileHandle,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    this.size += chunk.byteLength;
    for (let done = 0; done < chunk.byteLength; ) done += (await this.handle.write(chunk, done)).bytesWritten;
  }

  /** fsyncs and closes: the file is complete and durable. */
  async finish(): Promise<ReceivedFile> {
    try {
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
    return { path: this.path, size: this.size, sha256: this.hash.digest('hex') };
  }

  async discard(): Promise<void> {
    await this.handle.close().catch(() => {});
    await fsp.rm(this.path, { force: true });
  }
}

let store: FileBlobStore | undefined;
export function blobStore(): FileBlobStore {
  if (!store || store.root !== config.blobDir) store = new FileBlobStore(config.blobDir);
  return store;
}
