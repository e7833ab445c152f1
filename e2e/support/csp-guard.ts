// Set up for every browser test file: a test during which any page or worker broke our
// Content-Security-Policy fails, naming what was refused (the viewer's workers, wasm codecs, Next's
// inline scripts and data:/blob: images must all keep working under the policy).
import { afterEach, expect } from 'vitest';
import { cspViolations } from './browser';

afterEach(() => {
  const seen = cspViolations.splice(0);
  expect(seen, 'Content-Security-Policy violations').toEqual([]);
});
