// Person names (PN) for QIDO-RS: what a study stores to be found by PatientName, and how a query
// matches it. PS3.4 leaves wildcard matching of PN to the implementation; ours is:
//
// - A name has up to three representation groups, alphabetic=ideographic=phonetic
//   (`Zhang^XiaoDong=张^小东=`), each family^given^middle^prefix^suffix. A query without `=`
//   may match any group; a query with `=` names groups by position and an empty group matches anything.
// - A query group containing `^` (or a wildcard) is matched component by component: a component the
//   query leaves empty or does not name matches anything, so `Doe` finds `Doe^Peter` and `Doe^Peter`
//   finds `Doe^Peter^^Dr`; trailing empty components are insignificant on both sides. `*` (any run)
//   and `?` (one character) may stand anywhere in a component but never span a `^`.
// - A bare value, without `^`, `=`, `*` or `?`, finds every name containing it, the `^` between
//   components ignored: `青松` finds `欧阳青松` and `张小东` finds `张^小东`. DICOM would ask for an exact
//   match here; people search a name box by what they remember of it, as the clinic's own tools do.
// - The alphabetic group matches case-insensitively; the other groups as written.
//
// Each group is stored normalised (components trimmed, always five, so always four `^`), which keeps
// LIKE component-wise: a pattern with exactly four literal `^` cannot let `%` or `_` cross one.
import { Prisma, type PrismaClient } from '@prisma/client';

export interface PersonNameColumns {
  patientNameAlphabetic: string | null;
  patientNameIdeographic: string | null;
  patientNamePhonetic: string | null;
}

const COMPONENTS = 5;
const GROUPS = ['Alphabetic', 'Ideographic', 'Phonetic'] as const;
const COLUMNS = [Prisma.sql`"patientNameAlphabetic"`, Prisma.sql`"patientNameIdeographic"`, Prisma.sql`"patientNamePhonetic"`];
const lower = (s: string, group: number) => (group === 0 ? s.toLowerCase() : s);

export class PersonNameQueryError extends Error {}

/** One stored group: five trimmed components joined by `^`, or null when every component is empty. */
function normaliseGroup(group: string | undefined, index: number): string | null {
  const parts = (group ?? '').split('^').map((c) => c.trim());
  if (parts.every((c) => c === '')) return null;
  const five = Array.from({ length: COMPONENTS }, (_, i) => parts[i] ?? '');
  if (parts.length > COMPONENTS) five[COMPONENTS - 1] = parts.slice(COMPONENTS - 1).filter(Boolean).join(' '); // malformed: extra components kept in the suffix
  return lower(five.join('^'), index);
}

/** The study's name columns from a PN value as dcmjs reads it ({Alphabetic, Ideographic, Phonetic}, or text). */
export function personNameColumns(pn: unknown): PersonNameColumns {
  let groups: (string | undefined)[] = [];
  if (typeof pn === 'string') groups = pn.split('=');
  else if (pn && typeof pn === 'object') groups = GROUPS.map((g) => (pn as Record<string, unknown>)[g]).map((v) => (typeof v === 'string' ? v : undefined));
  const [a, i, p] = [0, 1, 2].map((k) => normaliseGroup(groups[k], k));
  return { patientNameAlphabetic: a, patientNameIdeographic: i, patientNamePhonetic: p };
}

/** The first value of a PatientName attribute in stored DICOM JSON metadata. */
export function personNameOf(metadata: unknown): unknown {
  const attr = (metadata as Record<string, { Value?: unknown[] }> | null)?.['00100010'];
  return attr?.Value?.[0];
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const likeOf = (s: string) => escapeLike(s).replace(/\*/g, '%').replace(/\?/g, '_');

/** A LIKE pattern over a stored group for one query group, or null when it constrains nothing. */
function componentPattern(group: string): string | null {
  const parts = group.split('^').map((c) => c.trim());
  if (parts.length > COMPONENTS) throw new PersonNameQueryError(`a person name has at most ${COMPONENTS} components: ${group}`);
  const named = parts.map((c) => (/^\**$/.test(c) ? null : likeOf(c)));
  if (named.every((c) => c === null)) return null;
  return Array.from({ length: COMPONENTS }, (_, i) => named[i] ?? '%').join('^');
}

/**
 * The SQL condition on "DicomStudy" for a PatientName query value (parameters only), or null when
 * the value matches every study (empty, `*`, `*^*`).
 */
export function personNameCondition(query: string): Prisma.Sql | null {
  const value = query.trim();
  const groups = value.split('=');
  if (groups.length > GROUPS.length) throw new PersonNameQueryError(`a person name has at most ${GROUPS.length} groups: ${value}`);
  if (groups.length === 1) {
    if (value === '') return null;
    if (!/[\^*?]/.test(value)) {
      const anywhere = `%${escapeLike(value)}%`;
      return Prisma.sql`(${Prisma.join(COLUMNS.map((col, k) => Prisma.sql`replace(${col}, '^', '') LIKE ${lower(anywhere, k)}`), ' OR ')})`;
    }
    const p = componentPattern(value);
    if (p === null) return null;
    return Prisma.sql`(${Prisma.join(COLUMNS.map((col, k) => Prisma.sql`${col} LIKE ${lower(p, k)}`), ' OR ')})`;
  }
  const conditions = groups.flatMap((g, k) => {
    const p = componentPattern(g);
    return p === null ? [] : [Prisma.sql`${COLUMNS[k]} LIKE ${lower(p, k)}`];
  });
  return conditions.length ? Prisma.sql`(${Prisma.join(conditions, ' AND ')})` : null;
}

/**
 * Fills the name columns of studies indexed before they existed, from their first instance's stored
 * metadata (or the display name). Idempotent and safe to run from several processes at once.
 */
export async function backfillPersonNames(prisma: PrismaClient, batch = 500): Promise<number> {
  let done = 0;
  for (let after = 0; ; ) {
    const rows = await prisma.$queryRaw<{ id: number; tag: string; pn: unknown }[]>`
      SELECT s."id", s."patientNameTag" AS tag,
        (SELECT i."metadata" -> '00100010' FROM "DicomInstance" i JOIN "DicomSeries" se ON se."id" = i."seriesId"
          WHERE se."studyId" = s."id" ORDER BY i."id" LIMIT 1) AS pn
      FROM "DicomStudy" s
      WHERE s."id" > ${after} AND s."patientNameTag" IS NOT NULL
        AND s."patientNameAlphabetic" IS NULL AND s."patientNameIdeographic" IS NULL AND s."patientNamePhonetic" IS NULL
      ORDER BY s."id" LIMIT ${batch}`;
    if (!rows.length) return done;
    after = rows[rows.length - 1].id;
    const cols = rows.map((r) => {
      const fromFile = personNameColumns(personNameOf({ '00100010': r.pn }));
      return fromFile.patientNameAlphabetic || fromFile.patientNameIdeographic || fromFile.patientNamePhonetic ? fromFile : personNameColumns(r.tag);
    });
    done += await prisma.$executeRaw`
      UPDATE "DicomStudy" s SET "patientNameAlphabetic" = v.a, "patientNameIdeographic" = v.i, "patientNamePhonetic" = v.p
      FROM unnest(${rows.map((r) => r.id)}::int[], ${cols.map((c) => c.patientNameAlphabetic)}::text[], ${cols.map((c) => c.patientNameIdeographic)}::text[], ${cols.map((c) => c.patientNamePhonetic)}::text[]) AS v(id, a, i, p)
      WHERE s."id" = v.id`;
  }
}
