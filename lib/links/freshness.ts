// Is a link's timestamp inside its client's clock window? Timestamps are China time
// (yyyy-MM-dd HH:mm:ss) or epoch seconds/milliseconds, as each dialect defines.
import { createHash } from 'node:crypto';
import { parseChinaDateTime } from '../time';
import type { ClientKeys } from './clients';
import { LinkRejection } from './types';

/**
 * The signatures (or AES channels) of the specs' own example links. A client with
 * `acceptStaleExamples` (the demo's) accepts exactly these despite their years-old timestamps,
 * so the seeds' URLs open verbatim; every other stale link is refused, for every client.
 */
export const SEED_EXAMPLE_SIGNATURES: ReadonlySet<string> = new Set(
  [
  'ab908f036c291be486c88a6d17aba48d', // seed 002 P1 clinicview (and its R3 copy), 2021-05-19 00:00:00
  'aee6746e4b91e1db72fb8e8eda3ef322', // seed 002 P2 exam-report, 2021-05-25 16:00:00
  '2a473b73d482724f741205588957dfa0', // seed 002 P3 repeat-reminder (both examples), 2021-06-17 09:00:00
  'E2991AA1DD58C3430407EF61A3EB072C8B3E7E73296CD1636B90EA5E85AD054EC63155779D7ED75AF74DE0F2E1FA3EDA9ACF7CD4E3D0F88727B50F0E70C880525B82764957A96891831A5E2523E12708', // seed 001 dimage channel, 2021-08-25
  'F2213710E2DF9FF4714755AF3E415557', // seed 004 ClinicExamView / ClinicExam, 2016-11-10
  ].map((s) => s.toUpperCase()),
);

export function signatureHash(signature: string): string {
  return createHash('sha256').update(signature.toUpperCase()).digest('hex');
}

export function parseLinkTime(value: string, kind: 'china' | 'epoch-seconds' | 'epoch-millis', name: string): Date {
  const v = value.trim();
  if (kind === 'china') {
    const d = parseChinaDateTime(v);
    if (!d || !/\d{1,2}:\d{2}/.test(v)) throw new LinkRejection('MALFORMED_PARAMETER', `${name} is not yyyy-MM-dd HH:mm:ss`, [name]);
    return d;
  }
  if (!/^\d{9,13}$/.test(v)) throw new LinkRejection('MALFORMED_PARAMETER', `${name} is not an epoch timestamp`, [name]);
  return new Date(kind === 'epoch-seconds' ? Number(v) * 1000 : Number(v));
}

export function checkFreshness(issuedAt: Date, client: ClientKeys, signature: string, now: Date): void {
  const skew = Math.abs(now.getTime() - issuedAt.getTime()) / 1000;
  if (skew <= client.clockWindowSeconds) return;
  if (client.acceptStaleExamples && SEED_EXAMPLE_SIGNATURES.has(signature.toUpperCase())) return;
  throw new LinkRejection('EXPIRED', `timestamp ${issuedAt > now ? 'ahead' : 'behind'} by ${Math.round(skew)} s (window ${client.clockWindowSeconds} s, client ${client.id})`);
}
