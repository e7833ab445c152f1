import { describe, expect, it } from 'vitest';
import { MultipartError, MultipartReader, multipartRelated, parseMultipart } from './multipart';

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
/** The body cut into chunks of the given sizes (cycled). */
async function* chunked(body: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  for (let o = 0, k = 0; o < body.length; k++) {
    const n = sizes[k % sizes.length];
    yield body.subarray(o, o + n);
    o += n;
  }
}
async function readAll(reader: MultipartReader) {
  const parts: { headers: Record<string, string>; body: Uint8Array; largestChunk: number }[] = [];
  for (let h; (h = await reader.nextPart()); ) {
    const chunks: Uint8Array[] = [];
    for await (const c of reader.body()) chunks.push(new Uint8Array(c));
    parts.push({ headers: h, body: new Uint8Array(Buffer.concat(chunks)), largestChunk: Math.max(0, ...chunks.map((c) => c.length)) });
  }
  return parts;
}

describe('MultipartReader (multipart/related as it streams)', () => {
  // Bodies that contain pieces of the delimiter, CRLFs and dashes, to tempt a scanner at chunk edges.
  const bodies = [enc('--b\r\n--bo\r\n-\r'), new Uint8Array(3000).map((_, i) => (i * 7) % 256), enc(''), enc('\r\n\r\n--'), enc('x')];
  const { body, contentType } = multipartRelated(bodies);
  const boundary = /boundary=(\S+)/.exec(contentType)![1];

  it.each([[[1]], [[2]], [[3, 5]], [[7]], [[boundary.length + 1]], [[64]], [[4096]], [[body.length]]])('finds every part across chunk edges (chunks of %j bytes)', async (sizes) => {
    const parts = await readAll(new MultipartReader(chunked(body, sizes), boundary));
    expect(parts.map((p) => Buffer.from(p.body).toString('latin1'))).toEqual(bodies.map((b) => Buffer.from(b).toString('latin1')));
    expect(parts.map((p) => p.headers['content-type'])).toEqual(bodies.map(() => 'application/dicom'));
    // The same answer as the whole-body parser.
    expect(parts.map((p) => p.body)).toEqual(parseMultipart(body, boundary).map((p) => new Uint8Array(p.body)));
  });

  it('hands a large part on chunk by chunk instead of holding it', async () => {
    const big = new Uint8Array(4 << 20).map((_, i) => i % 251);
    const m = multipartRelated([big]);
    const [part] = await readAll(new MultipartReader(chunked(m.body, [65536]), /boundary=(\S+)/.exec(m.contentType)![1]));
    expect(part.body.length).toBe(big.length);
    expect(part.largestChunk).toBeLessThanOrEqual(65536 + 100);
  });

  it('ignores a preamble and an epilogue, accepts a part without headers and transport padding', async () => {
    const raw = enc('preamble\r\n--B  \r\n\r\nfirst\r\n--B\r\nContent-Type: application/dicom\r\nX-A: 1\r\n\r\nsecond\r\n--B--\r\nepilogue');
    const parts = await readAll(new MultipartReader(chunked(raw, [3]), 'B'));
    expect(parts.map((p) => [Buffer.from(p.body).toString(), p.headers])).toEqual([
      ['first', {}],
      ['second', { 'content-type': 'application/dicom', 'x-a': '1' }],
    ]);
  });

  it.each([
    ['no boundary in the body', 'just bytes', /boundary not found/],
    ['a part that is never closed', '--B\r\nContent-Type: a\r\n\r\nbody without end', /not closed/],
    ['headers that never end', `--B\r\n${'X: y\r\n'.repeat(5000)}`, /headers too long/],
    ['nothing after a delimiter', '--B', /ends after a boundary/],
  ])('refuses %s', async (_, raw, message) => {
    await expect(readAll(new MultipartReader(chunked(enc(raw), [5]), 'B'))).rejects.toThrow(message);
    await expect(readAll(new MultipartReader(chunked(enc(raw), [5]), 'B'))).rejects.toBeInstanceOf(MultipartError);
  });
});
