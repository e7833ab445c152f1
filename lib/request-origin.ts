import type { NextRequest } from 'next/server';
import { config } from './config';

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The origin a client used to reach us, for absolute URLs in answers (DICOMweb RetrieveURL,
 * BulkDataURI): YINGYUN_PUBLIC_URL when set, else the request's Host (a proxy's X-Forwarded-Host
 * and -Proto first). Next's request.nextUrl names the address the server listens on
 * ("localhost"), not the one asked for.
 */
export function requestOrigin(request: NextRequest): string {
  if (process.env.YINGYUN_PUBLIC_URL) return config.publicBaseUrl;
  const h = request.headers;
  const host = (h.get('x-forwarded-host') ?? h.get('host') ?? '').split(',')[0].trim();
  if (!HOST.test(host)) return request.nextUrl.origin;
  const proto = (h.get('x-forwarded-proto') ?? request.nextUrl.protocol.replace(':', '')).split(',')[0].trim();
  return `${proto === 'https' ? 'https' : 'http'}://${host}`;
}
