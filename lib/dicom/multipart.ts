// multipart/related (DICOMweb STOW bodies and WADO responses), binary-safe.

export interface Part {
  headers: Record<string, string>;
  body: Uint8Array;
}

export class MultipartError extends Error {}

/** The value of a Content-Type parameter (boundary, type, transfer-syntax), quotes removed. */
export function contentTypeParam(contentType: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i');
  const m = contentType.match(re);
  return m ? (m[1] ?? m[2]) : undefined;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

const CRLFCRLF = new Uint8Array([13, 10, 13, 10]);

export function parseMultipart(body: Uint8Array, boundary: string): Part[] {
  if (!boundary) throw new MultipartError('multipart body without a boundary');
  const delim = new TextEncoder().encode(`--${boundary}`);
  const parts: Part[] = [];
  let pos = indexOf(body, delim, 0);
  if (pos < 0) throw new MultipartError('boundary not found in body');
  for (;;) {
    pos += delim.length;
    if (body[pos] === 45 && body[pos + 1] === 45) break; // "--": the closing delimiter
    if (body[pos] === 13 && body[pos + 1] === 10) pos += 2;
    const headerEnd = indexOf(body, CRLFCRLF, pos);
    if (headerEnd < 0) throw new MultipartError('part without a header end');
    const headers: Record<string, string> = {};
    for (const line of new TextDecoder().decode(body.subarray(pos, headerEnd)).split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const start = headerEnd + 4;
    const next = indexOf(body, delim, start);
    if (next < 0) throw new MultipartError('part not closed by a boundary');
    // The CRLF before the next delimiter belongs to the delimiter.
    const end = next >= 2 && body[next - 2] === 13 && body[next - 1] === 10 ? next - 2 : next;
    parts.push({ headers, body: body.subarray(start, end) });
    pos = next;
  }
  return parts;
}

/**
 * multipart/related read as it streams: part headers, then the part's body chunk by chunk, without
 * holding more than a chunk and a delimiter's length of it. The delimiter is found across chunk edges;
 * as in parseMultipart, the CRLF before a delimiter belongs to it and a preamble is ignored.
 */
export class MultipartReader {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private readonly delim: Buffer;
  private readonly it: AsyncIterator<Uint8Array>;
  /** 'start' before the first delimiter, 'after' just past a delimiter, 'body' inside a part. */
  private state: 'start' | 'after' | 'body' | 'done' = 'start';

  constructor(source: AsyncIterable<Uint8Array>, boundary: string, private readonly maxHeaderBytes = 16 * 1024) {
    if (!boundary) throw new MultipartError('multipart body without a boundary');
    this.delim = Buffer.from(`--${boundary}`);
    this.it = source[Symbol.asyncIterator]();
  }

  /** Appends the next chunk of the source; false when the source has ended. */
  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.it.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, next.value]) : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    return true;
  }

  /** The next part's headers (names in lower case), or null after the closing delimiter. */
  async nextPart(): Promise<Record<string, string> | null> {
    if (this.state === 'body') await this.skip(); // an unread body is skipped
    if (this.state === 'done') return null;
    if (this.state === 'start') {
      for (;;) {
        const i = this.buf.indexOf(this.delim);
        if (i >= 0) {
          this.buf = this.buf.subarray(i + this.delim.length);
          break;
        }
        this.buf = this.buf.subarray(Math.max(0, this.buf.length - this.delim.length));
        if (!(await this.fill())) throw new MultipartError('boundary not found in body');
      }
      this.state = 'after';
    }
    while (this.buf.length < 2) if (!(await this.fill())) throw new MultipartError('body ends after a boundary');
    if (this.buf[0] === 45 && this.buf[1] === 45) {
      this.state = 'done'; // "--": the closing delimiter; the epilogue is ignored
      return null;
    }
    // Transport padding and the CRLF ending the delimiter line, header lines, an empty line.
    let head: Buffer, bodyStart: number;
    for (;;) {
      const eol = this.buf.indexOf(CRLF);
      if (eol >= 0 && this.buf.length >= eol + 4 && this.buf.subarray(eol + 2, eol + 4).equals(CRLF)) {
        head = this.buf.subarray(0, 0); // no headers
        bodyStart = eol + 4;
        break;
      }
      const end = eol >= 0 ? this.buf.indexOf(CRLFCRLF, eol) : -1;
      if (end >= 0) {
        head = this.buf.subarray(eol + 2, end);
        bodyStart = end + 4;
        break;
      }
      if (this.buf.length > this.maxHeaderBytes) throw new MultipartError('part headers too long');
      if (!(await this.fill())) throw new MultipartError('part without a header end');
    }
    const headers: Record<string, string> = {};
    for (const line of head.toString('utf8').split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    this.buf = this.buf.subarray(bodyStart);
    this.state = 'body';
    return headers;
  }

  /** Reads past the current part's body. */
  async skip(): Promise<void> {
    const it = this.body();
    while (!(await it.next()).done);
  }

  /** The current part's body, chunk by chunk, up to (not including) the CRLF and delimiter that end it. */
  async *body(): AsyncGenerator<Uint8Array> {
    if (this.state !== 'body') return;
    for (;;) {
      const i = this.buf.indexOf(this.delim);
      if (i >= 0) {
        const end = i >= 2 && this.buf[i - 2] === 13 && this.buf[i - 1] === 10 ? i - 2 : i;
        const last = this.buf.subarray(0, end);
        this.buf = this.buf.subarray(i + this.delim.length);
        this.state = 'after';
        if (last.length) yield last;
        return;
      }
      // Keep what could be the start of a delimiter (and the CRLF before it) for the next round.
      const keep = this.delim.length + 1;
      if (this.buf.length > keep) {
        const out = this.buf.subarray(0, this.buf.length - keep);
        this.buf = this.buf.subarray(this.buf.length - keep);
        yield out;
      }
      if (!(await this.fill())) throw new MultipartError('part not closed by a boundary');
    }
  }
}

const CRLF = Buffer.from('\r\n');

export function newBoundary(): string {
  return `yingyun-${crypto.randomUUID()}`;
}

/** A whole multipart/related body (what STOW-RS takes): `--B`, part headers, blank line, bytes, CRLF; closed by `--B--`. */
export function multipartRelated(parts: Uint8Array[], type = 'application/dicom'): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = newBoundary();
  const chunks: Uint8Array[] = [];
  for (const p of parts) chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\n\r\n`), p, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(chunks)), contentType: `multipart/related; type="${type}"; boundary=${boundary}` };
}

/** A multipart/related response streamed part by part (a whole study need not sit in memory). */
export function multipartStream(parts: AsyncIterable<Part>, boundary: string): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const it = parts[Symbol.asyncIterator]();
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      const next = await it.next();
      if (next.done) {
        controller.enqueue(enc.encode(`--${boundary}--\r\n`));
        controller.close();
        done = true;
        return;
      }
      const head = Object.entries(next.value.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      controller.enqueue(enc.encode(`--${boundary}\r\n${head}\r\n`));
      controller.enqueue(next.value.body);
      controller.enqueue(enc.encode('\r\n'));
    },
    async cancel() {
      await it.return?.();
    },
  });
}
