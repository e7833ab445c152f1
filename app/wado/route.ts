import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { canReadStudy, dicomAccess, readableStudies } from '@/lib/dicom/access';
import { instancesFor, rawInstance, rendered, WadoError } from '@/lib/dicom/wado';

export const dynamic = 'force-dynamic';

/**
 * WADO-URI (PS3.18 §9): /wado?requestType=WADO&studyUID=…&seriesUID=…&objectUID=…
 * &contentType=application/dicom | image/jpeg | image/png [&frameNumber=n][&windowCenter&windowWidth]
 */
export async function GET(request: NextRequest) {
  const q = request.nextUrl.searchParams;
  if (q.get('requestType') !== 'WADO') return NextResponse.json({ error: 'requestType must be WADO' }, { status: 400 });
  const study = q.get('studyUID');
  const series = q.get('seriesUID');
  const object = q.get('objectUID');
  if (!study || !series || !object) return NextResponse.json({ error: 'studyUID, seriesUID and objectUID are required' }, { status: 400 });
  const db = await prisma();
  const a = await dicomAccess(db, { cookies: request.cookies, sessionRef: q.get('vs') ?? request.headers.get('x-view-session'), authorization: request.headers.get('authorization'), need: 'read' });
  if ('refused' in a) return NextResponse.json({ error: a.message }, { status: a.refused });
  if (!(await canReadStudy(db, a, study))) return NextResponse.json({ error: '无权访问该检查影像' }, { status: 403 });
  try {
    const [row] = await instancesFor(db, readableStudies(a), { study, series, instance: object });
    const type = (q.get('contentType') ?? 'image/jpeg').toLowerCase();
    if (type === 'application/dicom') {
      return new NextResponse(Buffer.from(await rawInstance(row)), { headers: { 'content-type': 'application/dicom', 'content-disposition': `attachment; filename="${object}.dcm"` } });
    }
    if (type !== 'image/jpeg' && type !== 'image/png') return NextResponse.json({ error: `contentType ${type} is not supported` }, { status: 406 });
    const center = Number(q.get('windowCenter'));
    const width = Number(q.get('windowWidth'));
    const quality = Number(q.get('imageQuality'));
    const out = await rendered(row, Number(q.get('frameNumber') ?? 1), type, {
      quality: quality > 0 && quality <= 100 ? quality : undefined,
      window: Number.isFinite(center) && width > 0 ? { center, width } : undefined,
    });
    return new NextResponse(Buffer.from(out.bytes), { headers: { 'content-type': out.contentType, 'cache-control': 'private, max-age=3600' } });
  } catch (e) {
    if (e instanceof WadoError) return NextResponse.json({ error: e.message }, { status: e.status });
    console.error(`[wado] ${(e as Error).stack ?? e}`);
    return NextResponse.json({ error: 'internal error' }, { status: 500 });
  }
}
