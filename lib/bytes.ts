/** Joins byte arrays into a fresh Uint8Array (not Buffer.concat: small Buffers share a pool, and DICOM readers take `.buffer`). */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
