// Security headers. Those that never change are set for every response by next.config.ts; those that
// depend on the request or on run-time configuration — the Content-Security-Policy with its nonce and
// frame-ancestors, and HSTS over https — are set by proxy.ts for pages and the GET routes.

/** Browser features no page of ours uses, refused for us and anything we frame. */
export const PERMISSIONS_POLICY = [
  'camera',
  'microphone',
  'geolocation',
  'payment',
  'usb',
  'serial',
  'hid',
  'bluetooth',
  'midi',
  'display-capture',
  'accelerometer',
  'gyroscope',
  'magnetometer',
  'browsing-topics',
]
  .map((f) => `${f}=()`)
  .join(', ');

/** Headers for every response, set in next.config.ts (the link landings replace the referrer policy). */
export const STATIC_SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: PERMISSIONS_POLICY },
];

/**
 * The URLs that carry credentials in their query (signed links, short links): the next page must not
 * learn them from a Referer. In next.config.ts's path syntax.
 */
export const LINK_LANDINGS = [
  '/clinicview/:page*',
  '/sharevisit/mobile/digitalimage/:page*',
  '/dimage/:page*',
  '/open/index.html',
  '/IDCAS/Interface/:page*',
  '/links/:path*',
  '/r/:code*',
];

/**
 * Routes that read a request body stay outside proxy.ts (its matcher repeats this list): Next buffers
 * the body of every request the proxy sees (up to experimental.proxyClientMaxBodySize, truncating the
 * rest) before the route's own credential check and cap. They answer JSON or bare notices, so a
 * static policy fits them.
 */
export const BODY_ROUTES = ['/dicomweb/:path*', '/interface/:path*', '/open/smr/:path*', '/api-idcas/:path*', '/api/view/recognition-marks', '/api/view/privacy-check'];

export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'";

const SOURCE = /^(?:'self'|'none'|(?:https?:\/\/)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?:\d{1,5}|\*))?|https?:)$/i;

/**
 * CSP frame-ancestors from YINGYUN_FRAME_ANCESTORS: who may show our pages in a frame (a HIS that
 * embeds them). Space- or comma-separated origins (https://his.example.com, http://10.1.2.3:8080,
 * https://*.hospital.cn), 'self' or 'none' (quotes optional). A value with anything else in it is
 * refused as a whole, with a warning, and 'self' applies: never a half-understood policy.
 */
export function frameAncestorsOf(value: string | undefined): string {
  if (!value?.trim()) return "'self'";
  const sources = value
    .trim()
    .split(/[\s,]+/)
    .map((raw) => (/^'?(self|none)'?$/i.test(raw) ? `'${raw.replace(/'/g, '').toLowerCase()}'` : raw.replace(/\/+$/, '')));
  const bad = sources.find((s) => !SOURCE.test(s));
  if (bad !== undefined) {
    warnOnce(`YINGYUN_FRAME_ANCESTORS: "${bad}" is not a frame source (an origin such as https://his.example.com, 'self' or 'none'); using 'self'`);
    return "'self'";
  }
  return sources.includes("'none'") ? "'none'" : [...new Set(sources)].join(' ');
}

const warned = new Set<string>();
function warnOnce(message: string) {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(message);
}

/**
 * The policy of a page: Next's inline scripts carry the nonce; the viewer needs wasm (the codecs),
 * workers from our origin or blob:, and data:/blob: images (snapshots, saved PNGs).
 */
export function contentSecurityPolicy(o: { nonce: string; frameAncestors: string; https: boolean; dev?: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${o.nonce}' 'wasm-unsafe-eval'${o.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${o.frameAncestors}`,
    ...(o.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** HSTS: a year, this host only (other hosts of a hospital's domain may still be plain http). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/** Whether the browser reached us over https: directly, or through a proxy that says so. */
export function cameOverHttps(url: URL, headers: Headers): boolean {
  return url.protocol === 'https:' || headers.get('x-forwarded-proto')?.split(',')[0].trim().toLowerCase() === 'https';
}
