// The CPU-heavy DICOM work that runs in worker threads (lib/dicom/workers.ts): checking an instance
// before it is stored, and decoding or rendering stored frames. Each task reads its file itself, by
// position (the header, the item headers and the frames it needs, never a whole large file), so no
// file travels between threads; what comes back is small (an index record, a frame, an image).
import { identify, inspectDicom, type KnownUids, type ParsedInstance } from './parse';
import { decodeFrame, elementValue, encodedFrame, FileSource, nativeFrameBytes, PixelDataError } from './pixels';
import { renderFrame, type RenderedImage, type RenderOptions } from './render';

/** A checked instance as ingest keeps it until it is indexed: its metadata as JSON text (compact). */
export type CheckedInstance = Omit<ParsedInstance, 'metadata'> & { metadataJson: string };

async function withFile<T>(path: string, run: (file: FileSource) => Promise<T>): Promise<T> {
  const file = FileSource.open(path);
  try {
    return await run(file);
  } finally {
    file.close();
  }
}

export interface Tasks {
  /** Parse and check a received file (ingest); `maxBytes` also caps a deflated dataset's inflated size. */
  inspect: { args: { path: string; maxBytes: number }; result: CheckedInstance };
  /** The SOP Class and Instance UIDs of the beginning of a file (a part too large to store), where readable. */
  identify: { args: { path: string }; result: KnownUids };
  /** Frames as stored, or decoded to little-endian native samples. */
  frames: { args: { path: string; frames: number[]; decode: boolean }; result: Uint8Array[] };
  render: { args: { path: string; frame: number; opts: RenderOptions }; result: RenderedImage };
  /** A top-level element's value (BulkDataURI); null when there is none. */
  bulk: { args: { path: string; tag: number }; result: Uint8Array | null };
}
export type TaskName = keyof Tasks;

/** Whatever goes wrong with a stored file's content is the data's fault (never a server error); a vanished file stays ENOENT. */
function dataError(what: string, e: unknown): Error {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') return e as Error;
  return new PixelDataError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
}

export const tasks: { [K in TaskName]: (args: Tasks[K]['args']) => Promise<Tasks[K]['result']> } = {
  inspect: ({ path, maxBytes }) =>
    withFile(path, async (file) => {
      const { metadata, ...rest } = await inspectDicom(file, maxBytes);
      return { ...rest, metadataJson: JSON.stringify(metadata) };
    }),
  identify: ({ path }) => withFile(path, async (file) => identify(file)),
  frames: ({ path, frames, decode }) => withFile(path, async (file) => {
    const out: Uint8Array[] = [];
    for (const f of frames) {
      try {
        out.push(decode ? nativeFrameBytes(await decodeFrame(file, f)) : encodedFrame(file, f));
      } catch (e) {
        throw dataError(`frame ${f}`, e);
      }
    }
    return out;
  }),
  render: ({ path, frame, opts }) => withFile(path, async (file) => {
    try {
      return await renderFrame(file, frame, opts);
    } catch (e) {
      throw dataError(`frame ${frame}`, e);
    }
  }),
  bulk: ({ path, tag }) => withFile(path, async (file) => {
    try {
      return elementValue(file, tag) ?? null;
    } catch (e) {
      throw dataError(`bulk data ${tag.toString(16).padStart(8, '0').toUpperCase()}`, e);
    }
  }),
};
