import { NextResponse, type NextRequest } from 'next/server';
import { config } from '@/lib/config';
import { prisma } from '@/lib/db';
import { canReadStudy, dicomAccess, readableStudies, writer, type DicomAccess } from '@/lib/dicom/access';
import { parseQido, QidoError, searchInstances, searchSeries, searchStudies } from '@/lib/dicom/qido';
import { stow, StowError } from '@/lib/dicom/stow';
import { proxyQido, proxyRead, proxyStow } from '@/lib/dicom/upstream';
import { bulkData, instancesFor, metadataOf, rendered, retrieveFrames, retrieveInstances, WadoError } from '@/lib/dicom/wado';
import { bodyChunks, BodyTooLargeError, readBody } from '@/lib/http/body';
import { requestOrigin } from '@/lib/request-origin';

export const dynamic = 'force-dynamic';

// DICOMweb (PS3.18) under /dicomweb: STOW-RS, QIDO-RS, WADO-RS. Every request needs a viewing
// session whose scope covers the study, or an integration client's Bearer token.

const json = (body: unknown, status = 200) =>
  new NextResponse(JSON.stringify(body), { status, headers: { 'content-type': 'application/dicom+json', 'cache-control': 'private, no-store' } });
const problem = (status: number, message: string) => NextResponse.json({ error: message }, { status });

function baseUrl(request: NextRequest): string {
  return `${requestOrigin(request)}/dicomweb`;
}

async function access(request: NextRequest, need: 'read' | 'write'): Promise<DicomAccess | NextResponse> {
  const a = await dicomAccess(await prisma(), {
    cookies: request.cookies,
    sessionRef: request.nextUrl.searchParams.get('vs') ?? request.headers.get('x-view-session'),
    authorization: request.headers.get('authorization'),
    need,
  });
  return 'refused' in a ? problem(a.refused, a.message) : a;
}

type Route = { level: 'studies' | 'series' | 'instances'; study?: string; series?: string; instance?: string; rest: string[] };

/** studies/{s}/series/{se}/instances/{i}/… → its parts; null when the path is not DICOMweb. */
function route(path: string[]): Route | null {
  const [head, ...tail] = path;
  if (head === 'series' || head === 'instances') return tail.length ? null : { level: head, rest: [] };
  if (head !== 'studies') return null;
  const r: Route = { level: 'studies', rest: [] };
  let i = 0;
  if (tail[i]) r.study = tail[i++];
  if (tail[i] === 'series') {
    r.level = 'series';
    i++;
    if (tail[i]) r.series = tail[i++];
  }
  if (tail[i] === 'instances') {
    r.level = 'instances';
    i++;
    if (tail[i]) r.instance = tail[i++];
  }
  r.rest = tail.slice(i);
  return r;
}

function fail(e: unknown): NextResponse {
  if (e instanceof WadoError || e instanceof StowError) return problem(e.status, e.message);
  if (e instanceof QidoError) return problem(400, e.message);
  if (e instanceof BodyTooLargeError) return problem(413, e.message);
  console.error(`[dicomweb] ${(e as Error).stack ?? e}`);
  return problem(500, 'internal error');
}

export async function GET(request: NextRequest, { params }: { params: Promise<{ path: string[] }> }) {
  const r = route((await params).path);
  if (!r) return problem(404, 'not a DICOMweb resource');
  const a = await access(request, 'read');
  if (a instanceof NextResponse) return a;
  const db = await prisma();
  const base = baseUrl(request);
  const accept = request.headers.get('accept') ?? '';
  try {
    const isSearch = (r.level === 'studies' && !r.study) || (r.level === 'series' && !r.series) || (r.level === 'instances' && !r.instance);
    if (config.dicomwebUpstream) {
      // Upstream studies may be known only from an exam index: ask before proxying.
      if (r.study && !(await canReadStudy(db, a, r.study))) return problem(403, '无权访问该检查影像');
      return isSearch && r.rest.length === 0 ? await proxyQido(request, db, a) : await proxyRead(request);
    }
    // Locally every query below is filtered by what this access may read: retrieving nothing is 403,
    // and so is searching inside a study one may not read.
    const readable = readableStudies(a);
    if (isSearch && r.rest.length === 0) {
      if (r.study && !(await canReadStudy(db, a, r.study))) return problem(403, '无权访问该检查影像');
      const q = parseQido(request.nextUrl.searchParams);
      const found = r.level === 'studies' ? await searchStudies(db, base, a, q) : r.level === 'series' ? await searchSeries(db, base, a, q, r.study) : await searchInstances(db, base, a, q, r.study, r.series);
      return json(found);
    }
    const rows = await instancesFor(db, readable, { study: r.study!, series: r.series, instance: r.instance });
    const [what, arg, more] = r.rest;
    if (what === undefined) {
      const out = await retrieveInstances(rows, accept);
      return new NextResponse(out.body, { headers: { 'content-type': out.contentType, 'cache-control': 'private, no-store' } });
    }
    if (what === 'metadata' && arg === undefined) return json(metadataOf(base, rows));
    if (!r.instance) return problem(404, `${what} is supported on instances`);
    const row = rows[0];
    if (what === 'frames' && arg && more === undefined) {
      const out = await retrieveFrames(row, arg.split(',').map((f) => Number(f)), accept);
      return new NextResponse(out.body, { headers: { 'content-type': out.contentType, 'cache-control': 'private, max-age=3600' } });
    }
    if ((what === 'rendered' || what === 'thumbnail') && arg === undefined) return image(await rendered(row, 1, accept, renderOptions(request, what === 'thumbnail')));
    if (what === 'frames' && arg && (more === 'rendered' || more === 'thumbnail')) return image(await rendered(row, Number(arg), accept, renderOptions(request, more === 'thumbnail')));
    if (what === 'bulk' && arg) return new NextResponse(Buffer.from(await bulkData(row, arg)), { headers: { 'content-type': 'application/octet-stream' } });
    return problem(404, 'not a DICOMweb resource');
  } catch (e) {
    return fail(e);
  }
}

function renderOptions(request: NextRequest, thumbnail: boolean) {
  const q = request.nextUrl.searchParams;
  const quality = Number(q.get('quality'));
  const win = q.get('window')?.split(',').map(Number);
  return {
    thumbnail,
    quality: quality > 0 && quality <= 100 ? quality : undefined,
    window: win && win.length >= 2 && win.every(Number.isFinite) && win[1] > 0 ? { center: win[0], width: win[1] } : undefined,
  };
}

function image(out: { contentType: string; bytes: Uint8Array }) {
  return new NextResponse(Buffer.from(out.bytes), { headers: { 'content-type': out.contentType, 'cache-control': 'private, max-age=3600' } });
}

export async function POST(request: NextRequest, { params }: { params: Promise<{ path: string[] }> }) {
  const r = route((await params).path);
  if (!r || r.level !== 'studies' || r.rest.length) return problem(404, 'STOW-RS is POST /dicomweb/studies[/{study}]');
  const a = await access(request, 'write');
  if (a instanceof NextResponse) return a;
  const w = writer(a);
  if (!w) return problem(403, '只有接入系统（访问令牌）可以上传影像');
  try {
    const db = await prisma();
    if (config.dicomwebUpstream && config.dicomwebUpstreamWrite) return await proxyStow(request, db, await readBody(request, config.stowMaxBytes), w);
    if (config.dicomwebUpstream) return problem(405, '影像存储在上游 PACS：请直接向上游上传');
    // Read as it streams: each part goes to the file store as it arrives, never the whole body into memory.
    const body = bodyChunks(request, config.stowMaxBytes);
    const out = await stow(db, body, request.headers.get('content-type') ?? '', { base: baseUrl(request), studyUid: r.study, organizationCode: w.organizationCode, clientId: w.clientId });
    return json(out.body, out.status);
  } catch (e) {
    return fail(e);
  }
}
