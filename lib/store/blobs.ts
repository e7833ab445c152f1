// The blob store: DICOM and report bytes, addressed by key. Local files by default.
// A put is atomic: the bytes go to a temporary name, are fsynced, then renamed into place and
// the folder is fsynced, so a reader never sees half a file and a crash leaves no torn file
// under the real name (stray *.tmp files are swept by `sweepTemporary`).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { config } from '../config';

export interface BlobStore {
  put(key: string, bytes: Uint8Array): Promise<{ size: number; sha256: string }>;
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

  async put(key: string, bytes: Uint8Array) {
    const target = this.file(key);
    const dir = path.dirname(target);
    await fsp.mkdir(dir, { recursive: true });
    const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    const h = await fsp.open(tmp, 'wx');
    try {
      await h.writeFile(bytes);
      await h.sync();
    } catch (e) {
      await h.close();
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    await h.close();
    await fsp.rename(tmp, target);
    await fsyncDir(dir);
    return { size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
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

  /** Removes temporary files left by a crash in the middle of a put. */
  async sweepTemporary(): Promise<number> {
    let n = 0;
    const walk = async (dir: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.name.endsWith('.tmp')) {
          await fsp.rm(p, { force: true });
          n++;
        }
      }
    };
    await walk(this.root);
    return n;
  }

  /** Writes and removes a probe file: is the store writable? */
  async probe(): Promise<void> {
    const key = `.health/${randomBytes(4).toString('hex')}`;
    await this.put(key, Buffer.from('ok'));
    await this.delete(key);
  }
}

let store: FileBlobStore | undefined;
export function blobStore(): FileBlobStore {
  if (!store || store.root !== config.blobDir) store = new FileBlobStore(config.blobDir);
  return store;
}
