import type { NextConfig } from 'next';

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
  experimental: { authInterrupts: true },
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
  // HIS iframes embed our pages; frame-ancestors is decided per deployment (see README).
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
