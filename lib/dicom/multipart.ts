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
