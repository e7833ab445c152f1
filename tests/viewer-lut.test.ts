// The viewer's lookup-table decoding (components/viewer/lut.ts): palettes and LUT Data fetched as
// bulk data become the entries Cornerstone reads.
import { describe, expect, it } from 'vitest';
import { expandSegmentedLut, lutEntries } from '@/components/viewer/lut';

const words = (...w: number[]) => new Uint8Array(new Uint16Array(w).buffer);

describe('lutEntries', () => {
  it('reads 8-bit entries one per byte (an odd count padded), 16-bit entries as little- or big-endian words', () => {
    expect(lutEntries(new Uint8Array([10, 20, 30, 0]), [3, 0, 8], false)).toEqual([10, 20, 30]);
    expect(lutEntries(words(0x0102, 0xff00), [2, 0, 16], false)).toEqual([0x0102, 0xff00]);
    expect(lutEntries(new Uint8Array([1, 2, 0xff, 0]), [2, 0, 16], true)).toEqual([0x0102, 0xff00]);
    // 8-bit entries written one per word, and a descriptor of 0 entries (65536).
    expect(lutEntries(words(7, 8, 9), [3, 0, 8], false)).toEqual([7, 8, 9]);
    expect(lutEntries(words(1, 2), [0, 0, 16], false)).toEqual([1, 2]);
  });
});

describe('expandSegmentedLut (PS3.3 C.7.9.2)', () => {
  it('expands discrete, linear and indirect segments', () => {
    // discrete 0,10 · linear to 50 in 4 steps · indirect: the first segment again
    const data = [0, 2, 0, 10, 1, 4, 50, 2, 1, 0, 0];
    expect(expandSegmentedLut(data, 100)).toEqual([0, 10, 20, 30, 40, 50, 0, 10]);
    expect(expandSegmentedLut(data, 5)).toEqual([0, 10, 20, 30, 40]);
    expect(() => expandSegmentedLut([7, 1, 0], 4)).toThrow(/unknown segment type 7/);
    expect(() => expandSegmentedLut([2, 1, 0, 0], 4)).toThrow(/nested too deep/);
  });
});
