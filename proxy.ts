// Per-request security headers for pages and the routes that read no body: a Content-Security-Policy
// with a fresh nonce (Next reads it from the request's own CSP header and puts it on its inline
// scripts) and frame-ancestors from YINGYUN_FRAME_ANCESTORS, read at run time; HSTS over https.
import { randomBytes } from 'node:crypto';
import { NextResponse, type NextRequest } from 'next/server';
import { config as settings } from '@/lib/config';
import { cameOverHttps, contentSecurityPolicy, frameAncestorsOf, STRICT_TRANSPORT_SECURITY } from '@/lib/http/security-headers';

export function proxy(request: NextRequest): NextResponse {
  const https = cameOverHttps(request.nextUrl, request.headers);
  const csp = contentSecurityPolicy({
    nonce: randomBytes(16).toString('base64'),
    frameAncestors: frameAncestorsOf(settings.frameAncestors),
    https,
    dev: process.env.NODE_ENV === 'development',
  });
  const forward = new Headers(request.headers);
  forward.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers: forward } });
  response.headers.set('content-security-policy', csp);
  if (https) response.headers.set('strict-transport-security', STRICT_TRANSPORT_SECURITY);
  return response;
}

export const config = {
  // Not static files, and not the routes that read a request body (BODY_ROUTES in
  // lib/http/security-headers.ts; a matcher must be a literal): Next would buffer their bodies for the
  // proxy before the route's own checks, and truncate them beyond proxyClientMaxBodySize.
  matcher: ['/((?!_next/static/|_next/image|favicon\\.ico|dicomweb|interface/|open/smr/|api-idcas/|api/view/recognition-marks|api/view/privacy-check).*)'],
};
