// Upstream mode (DICOMWEB_UPSTREAM=http://…/dicom-web): the images stay in the site's own DICOMweb
// server (Orthanc, dcm4chee, a cloud API); we keep enforcing our access control and proxy reads
// to it (and writes, with DICOMWEB_UPSTREAM_WRITE=1, indexing what was stored so sessions and
// exams still find it). Our credentials never travel upstream.
import { NextResponse, type NextRequest } from 'next/server';
import type { PrismaClient } from '@prisma/client';
import { config } from '../config';
import fs from 'node:fs/promises';
import type { BlobStore, ReceivedFile, StagedBlob } from '../store/blobs';
import { canReadStudy, type DicomAccess } from './access';
import { ingestDicom } from './ingest';
import { contentTypeParam, parseMultipart } from './multipart';
import { requestOrigin } from '../request-origin';

function upstreamUrl(request: NextRequest): string {
  const path = request.nextUrl.pathname.replace(/^\/dicomweb/, '');
  const q = new URLSearchParams(request.nextUrl.searchParams);
  q.delete('vs');
  const search = q.toString();
  return `${config.dicomwebUpstream}${path}${search ? `?${search}` : ''}`;
}

function ourBase(request: NextRequest): string {
  return `${requestOrigin(request)}/dicomweb`;
}

/** Upstream URLs in JSON answers point back at us. */
function rewriteUrls(text: string, request: NextRequest): string {
  return text.split(config.dicomwebUpstream!).join(ourBase(request));
}

async function forward(request: NextRequest, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const accept = request.headers.get('accept');
  if (accept) headers.accept = accept;
  const ct = request.headers.get('content-type');
  if (ct && init.body) headers['content-type'] = ct;
  try {
    return await fetch(upstreamUrl(request), { method: request.method, headers, ...init, signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    return new Response(JSON.stringify({ error: `upstream DICOMweb unreachable: ${(e as Error).message}` }), { status: 502 });
  }
}

export async function proxyRead(request: NextRequest): Promise<NextResponse> {
  const res = await forward(request);
  const type = res.headers.get('content-type') ?? 'application/octet-stream';
  if (/json/i.test(type)) return new NextResponse(rewriteUrls(await res.text(), request), { status: res.status, headers: { 'content-type': type } });
  return new NextResponse(res.body, { status: res.status, headers: { 'content-type': type, 'cache-control': 'private, no-store' } });
}

/** Searches go upstream; what comes back is filtered to the studies this access may read. */
export async function proxyQido(request: NextRequest, prisma: PrismaClient, a: DicomAccess): Promise<NextResponse> {
  const res = await forward(request);
  if (!res.ok) return new NextResponse(await res.text(), { status: res.status });
  const found = JSON.parse(rewriteUrls(await res.text(), request)) as Record<string, { Value?: string[] }>[];
  const allowed = new Map<string, boolean>();
  const out = [];
  for (const item of found) {
    const study = item['0020000D']?.Value?.[0];
    if (!study) continue;
    if (!allowed.has(study)) allowed.set(study, await canReadStudy(prisma, a, study));
    if (allowed.get(study)) out.push(item);
  }
  return new NextResponse(JSON.stringify(out), { headers: { 'content-type': 'application/dicom+json' } });
}

/** Index-only store: the bytes live upstream. */
const upstreamStore: BlobStore = {
  async put() {
    throw new Error('upstream store holds no bytes');
  },
  async stage(key: string, bytes: Uint8Array): Promise<StagedBlob> {
    return { key: `upstream/${key}`, size: bytes.byteLength, sha256: '', commit: async () => {}, abort: async () => {} };
  },
  /** The received copy was only for checking; the upstream keeps the bytes. */
  async stageFile(key: string, file: ReceivedFile): Promise<StagedBlob> {
    const drop = () => fs.rm(file.path, { force: true });
    return { key: `upstream/${key}`, size: file.size, sha256: file.sha256, commit: drop, abort: drop };
  },
  async get() {
    return null;
  },
  stream() {
    return null;
  },
  async has() {
    return false;
  },
  async delete() {},
  describe: () => `upstream:${config.dicomwebUpstream}`,
};

export async function proxyStow(request: NextRequest, prisma: PrismaClient, body: Uint8Array, uploader: { clientId: number; organizationCode?: string }): Promise<NextResponse> {
  const res = await forward(request, { body: Buffer.from(body) });
  const text = await res.text();
  if (res.status === 200 || res.status === 202) {
    // Index what the upstream accepted (parts it refused are refused here as well).
    for (const part of parseMultipart(body, contentTypeParam(request.headers.get('content-type') ?? '', 'boundary') ?? '')) {
      try {
        await ingestDicom(prisma, part.body, { ...uploader, store: upstreamStore });
      } catch {
        /* the upstream's answer already reports this part */
      }
    }
  }
  return new NextResponse(rewriteUrls(text, request), { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/dicom+json' } });
}
