import type { NextConfig } from 'next';
import { API_CONTENT_SECURITY_POLICY, BODY_ROUTES, LINK_LANDINGS, STATIC_SECURITY_HEADERS } from './lib/http/security-headers';

const nextConfig: NextConfig = {
  // Node-only libraries with wasm, native crypto or dynamic requires stay outside the server bundle.
  serverExternalPackages: [
    '@electric-sql/pglite',
    'pglite-prisma-adapter',
    '@prisma/adapter-pg',
    'pg',
    'sm-crypto',
    'dcmjs',
    'dicom-parser',
    // Emscripten codecs load their .wasm from beside their own glue: they must not be bundled.
    '@cornerstonejs/codec-libjpeg-turbo-8bit',
    '@cornerstonejs/codec-charls',
    '@cornerstonejs/codec-openjpeg',
    'node-forge',
  ],
  poweredByHeader: false,
  experimental: {
    authInterrupts: true,
    // Bodies proxy.ts would see (it skips the routes that read one): pages take none.
    proxyClientMaxBodySize: '64kb',
  },
  // The specs' URLs are contracts that HIS vendors already generate, `.html` included.
  async rewrites() {
    return [
      { source: '/clinicview/index.html', destination: '/links/clinicview' },
      { source: '/clinicview/exam-report.html', destination: '/links/exam-report' },
      { source: '/clinicview/repeat-reminder.html', destination: '/links/repeat-reminder' },
      { source: '/clinicview/recognition.html', destination: '/links/recognition' },
      { source: '/sharevisit/mobile/digitalimage/:page', destination: '/links/h5/:page' },
      { source: '/dimage/index.html', destination: '/links/dimage' },
      { source: '/open/index.html', destination: '/links/open' },
      { source: '/IDCAS/Interface/:page', destination: '/links/xiamen/:page' },
    ];
  },
  // The same for every response; the per-request policy (CSP nonce, frame-ancestors, HSTS) is proxy.ts's.
  // A later entry replaces a header an earlier one set.
  async headers() {
    return [
      { source: '/:path*', headers: STATIC_SECURITY_HEADERS },
      ...LINK_LANDINGS.map((source) => ({ source, headers: [{ key: 'Referrer-Policy', value: 'no-referrer' }] })),
      ...BODY_ROUTES.map((source) => ({ source, headers: [{ key: 'Content-Security-Policy', value: API_CONTENT_SECURITY_POLICY }] })),
    ];
  },
  webpack: (config, { isServer }) => {
    if (!isServer) {
      // Cornerstone's codec glue does require('fs') behind ENVIRONMENT_IS_NODE.
      config.resolve.fallback = { ...(config.resolve.fallback || {}), fs: false, path: false };
    } else {
      // Server worker threads (lib/dicom/workers.ts) are chunks beside the others; without this their
      // URL is built from the public path (/_next/…), which is no file on the server.
      config.output.workerPublicPath = './';
    }
    return config;
  },
};

export default nextConfig;
