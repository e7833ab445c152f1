// Request bodies with a size limit: a body over the limit is refused with 413 before it fills memory.
// The declared Content-Length is checked first, then the bytes as they stream in (chunked bodies
// declare nothing), so refusing a large body costs no more than the limit.
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** JSON APIs: every dialect's requests are a few kilobytes; a megabyte leaves room for long lists. */
export const JSON_MAX_BYTES = 1024 * 1024;

/** Deeper JSON than any dialect sends; the parsers' cost on deep nesting is far from linear. */
const JSON_MAX_DEPTH = 32;

export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Why a body was not taken: over the cap, absent, or not what the route reads. */
export type BodyRefusal = 'too-large' | 'empty' | 'malformed';

/**
 * A body that must be one JSON object (every dialect's requests are), read with a size cap and parsed
 * by `parse` (strict JSON unless a dialect is lenient). null, arrays, strings, numbers, invalid or
 * over-deep JSON are 'malformed'; no body (or only whitespace) is 'empty'.
 */
export async function readJsonObject(
  request: Request,
  { limit = JSON_MAX_BYTES, parse = JSON.parse as (text: string) => unknown }: { limit?: number; parse?: (text: string) => unknown } = {},
): Promise<Record<string, unknown> | BodyRefusal> {
  let text: string;
  try {
    text = new TextDecoder().decode(await readBody(request, limit));
  } catch (e) {
    if (e instanceof BodyTooLargeError) return 'too-large';
    return 'malformed'; // the client broke the stream off, or it was not UTF-8-decodable
  }
  if (!text.trim()) return 'empty';
  if (!depthWithin(text, JSON_MAX_DEPTH)) return 'malformed';
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    return 'malformed';
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : 'malformed';
}

/** Brackets nested no deeper than max, outside strings (one linear pass; malformed text passes to the parser). */
function depthWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return true;
}

/**
 * A form body (multipart or urlencoded) read with a size cap: BodyTooLargeError above it, a
 * TypeError when it is not a form. The parser sees the bytes as they stream in, capped.
 */
export async function readForm(request: Request, limit: number): Promise<FormData> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  let size = 0;
  let tooLarge = false;
  const capped = request.body?.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > limit) {
          tooLarge = true;
          controller.error(new BodyTooLargeError(limit));
        } else controller.enqueue(chunk);
      },
    }),
  );
  try {
    return await new Response(capped ?? null, { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData();
  } catch (e) {
    throw tooLarge ? new BodyTooLargeError(limit) : e;
  }
}

/** The request body chunk by chunk as it arrives, refused (BodyTooLargeError) once it runs over the limit. */
export async function* bodyChunks(request: Request, limit: number): AsyncGenerator<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  if (!request.body) return;
  const reader = request.body.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > limit) throw new BodyTooLargeError(limit);
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** The client's address as the proxy in front of us reports it. */
export function clientIp(headers: Headers): string | undefined {
  return headers.get('x-forwarded-for')?.split(',')[0]?.trim() || headers.get('x-real-ip') || undefined;
}
