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
  ],
  poweredByHeader: false,
  // HIS iframes embed our pages; frame-ancestors is decided per deployment (see README).
  webpack: (config, { isServer }) => {
    if (!isServer) {
      // Cornerstone's codec glue does require('fs') behind ENVIRONMENT_IS_NODE.
      config.resolve.fallback = { ...(config.resolve.fallback || {}), fs: false, path: false };
    }
    return config;
  },
};

export default nextConfig;
