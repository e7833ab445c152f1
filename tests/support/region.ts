// A test database holding a small demo region (no images) with the demo's integration clients.
import { loadRegion } from '@/scripts/demo/load';
import { planRegion, type RegionPlan } from '@/scripts/demo/region';
import { testDatabase, type TestDatabase } from './db';

export async function regionDatabase(patients = 6): Promise<TestDatabase & { plan: RegionPlan }> {
  const db = await testDatabase();
  const plan = planRegion({ seed: 7, patients, anchor: new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate())) });
  await loadRegion(db.prisma, plan, { images: false });
  return { ...db, plan };
}

import type { CookieJar } from '@/lib/sessions';

/** A cookie jar with nothing in it. */
export const noCookies: CookieJar = { get: () => undefined, getAll: () => [] };

/** A cookie jar holding the cookies a response set. */
export function cookiesFrom(setCookie: string[] | string | undefined): CookieJar {
  const list = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((c) => {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    return { name: pair.slice(0, i), value: pair.slice(i + 1) };
  });
  return { get: (name: string) => list.find((c) => c.name === name), getAll: () => list };
}
