// China time (Asia/Shanghai, UTC+8, no daylight saving): the specs' times are all in it.
const OFFSET_MS = 8 * 3_600_000;

function parts(d: Date) {
  const s = new Date(d.getTime() + OFFSET_MS).toISOString();
  return { date: s.slice(0, 10), time: s.slice(11, 19) };
}

/** yyyy-MM-dd HH:mm:ss in China time. */
export function formatChinaDateTime(d: Date | null | undefined): string {
  if (!d) return '';
  const { date, time } = parts(d);
  return `${date} ${time}`;
}

/** yyyy-MM-dd in China time. */
export function formatChinaDate(d: Date | null | undefined): string {
  return d ? parts(d).date : '';
}

/** Parses yyyy-MM-dd[ HH:mm[:ss]] (also yyyyMMdd[HHmmss]) as China time; null when malformed. */
export function parseChinaDateTime(s: string | null | undefined): Date | null {
  if (!s) return null;
  const m = s.trim().match(/^(\d{4})-?(\d{2})-?(\d{2})(?:[ T]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?$/);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', se = '00'] = m;
  const t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se) - OFFSET_MS;
  const back = new Date(t + OFFSET_MS);
  // Reject 2021-02-30 and 25:00 rather than rolling them over.
  if (back.getUTCFullYear() !== +y || back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d || back.getUTCHours() !== +h || back.getUTCMinutes() !== +mi) return null;
  return new Date(t);
}
