// Prisma CLI configuration. Prisma's native engines cannot be downloaded on our machines, so
// the CLI runs its JS schema engine over a driver adapter (ARCHITECTURE.md §5). We use the CLI
// only for `prisma generate` and to write migrations with `prisma migrate diff` (README); the
// app applies migrations itself (lib/migrations.ts).
import path from 'node:path';
import type { PrismaConfig } from 'prisma';

export default {
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  experimental: { adapter: true },
  engine: 'js',
  // The adapters are typed against other driver-adapter-utils versions than @prisma/config; they work with 6.19.
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (url) {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      return new PrismaPg({ connectionString: url }) as never;
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    return new PrismaPGlite(new PGlite()) as never;
  },
} satisfies PrismaConfig;
