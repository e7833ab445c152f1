// Lookup-table data (palettes, Modality/VOI LUT Data) from its bytes to the entries Cornerstone reads.

/** Bytes → entries: one byte each when the descriptor says 8 bits and there is a byte per entry, else 16-bit words. */
export function lutEntries(bytes: Uint8Array, descriptor: unknown[] | undefined, bigEndian: boolean): number[] {
  const entries = descriptor ? Number(descriptor[0]) || 65536 : 0; // 0 entries means 65536 (PS3.3 C.7.6.3.1.5)
  const bits = Number(descriptor?.[2]);
  if (bits === 8 && entries && bytes.length >= entries && bytes.length < 2 * entries) return Array.from(bytes.subarray(0, entries));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Math.min(entries || Infinity, bytes.length >> 1);
  return Array.from({ length: n }, (_, i) => dv.getUint16(2 * i, !bigEndian));
}

/**
 * A segmented palette (PS3.3 C.7.9.2: discrete, linear and indirect segments of 16-bit words) expanded
 * to `entries` plain entries. Indirect segments name a word offset into the same data.
 */
export function expandSegmentedLut(words: number[], entries: number): number[] {
  const out: number[] = [];
  const run = (from: number, segments: number, depth: number) => {
    if (depth > 4) throw new Error('segmented palette: indirect segments nested too deep');
    for (let i = from, done = 0; i < words.length && done < segments && out.length < entries; done++) {
      const [op, n] = [words[i], words[i + 1] ?? 0];
      if (op === 0) {
        out.push(...words.slice(i + 2, i + 2 + n));
        i += 2 + n;
      } else if (op === 1) {
        const y0 = out.length ? out[out.length - 1] : 0, y1 = words[i + 2] ?? y0;
        for (let k = 1; k <= n; k++) out.push(Math.round(y0 + ((y1 - y0) * k) / n));
        i += 3;
      } else if (op === 2) {
        run((words[i + 2] ?? 0) + (words[i + 3] ?? 0) * 65536, n, depth + 1);
        i += 4;
      } else throw new Error(`segmented palette: unknown segment type ${op}`);
    }
  };
  run(0, Infinity, 0);
  return out.slice(0, entries);
}
